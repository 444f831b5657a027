// Keys that work anywhere but in a text field: `/` focuses search, `f` toggles follow, `End`
// jumps to the newest line (and follows), `w` toggles wrapping. Escape leaves a text field.
import { useEffect, useRef } from 'react';

export interface ShortcutActions {
  readonly focusSearch: () => void;
  readonly toggleFollow: () => void;
  readonly jumpToNewest: () => void;
  readonly toggleWrap: () => void;
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type))
  );
}

export function useKeyboardShortcuts(actions: ShortcutActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTextField(event.target)) {
        if (event.key === 'Escape' && event.target instanceof HTMLElement) event.target.blur();
        return;
      }
      const action =
        event.key === '/'
          ? latest.current.focusSearch
          : event.key === 'f'
            ? latest.current.toggleFollow
            : event.key === 'End'
              ? latest.current.jumpToNewest
              : event.key === 'w'
                ? latest.current.toggleWrap
                : undefined;
      if (action === undefined) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
