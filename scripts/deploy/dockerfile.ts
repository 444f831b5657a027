// A Dockerfile read as its instructions: line continuations joined, comments and parser
// directives dropped, each instruction with the stage it belongs to. Enough to hold the image's
// build steps to the repository's scripts without a container engine (dockerfile.spec.ts).
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  readonly keyword: string;
  /** The rest of the instruction, continuations joined with single spaces. */
  readonly args: string;
  /** Index of its stage (the FROM it follows); -1 before the first FROM (ARG). */
  readonly stage: number;
}

export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let stage = -1;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    const continued = line.endsWith('\\');
    pending = `${pending} ${continued ? line.slice(0, -1).trim() : line}`.trim();
    if (continued) continue;
    const [keyword = '', ...rest] = pending.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') stage += 1;
    instructions.push({ keyword: upper, args: rest.join(' '), stage });
    pending = '';
  }
  return instructions;
}

/** The `&&`-separated commands of RUN instructions, in order. */
export function runCommands(instructions: readonly DockerInstruction[], stage: number): string[] {
  return instructions
    .filter((instruction) => instruction.keyword === 'RUN' && instruction.stage === stage)
    .flatMap((instruction) => instruction.args.split(/\s+&&\s+/).map((command) => command.trim()));
}

/** An exec-form instruction's array (`["a", "b"]`), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
}
