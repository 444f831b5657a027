// The static-token users every test cluster knows (kube-apiserver --token-auth-file).
// Tokens are random per run; names and groups are fixed so tests can bind roles to them.

export interface StaticUser {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface StaticUserCredentials extends StaticUser {
  readonly uid: string;
  readonly token: string;
}

/** `admin` is in system:masters; the rest have no permissions until a test binds a role. */
export const DEFAULT_TEST_USERS: readonly StaticUser[] = [
  { name: 'admin', groups: ['system:masters'] },
  { name: 'alice', groups: ['devs', 'qa'] },
  { name: 'bob', groups: ['ops'] },
  { name: 'carol', groups: ['devs'] },
  { name: 'dave', groups: [] },
  { name: 'tailgate-gateway', groups: ['tailgate:services'] },
];

/** One line of the static token file: `token,user,uid,"group1,group2"`. */
export function tokenFileLine(user: StaticUserCredentials): string {
  const groups = user.groups.length > 0 ? `,"${user.groups.join(',')}"` : '';
  return `${user.token},${user.name},${user.uid}${groups}`;
}
