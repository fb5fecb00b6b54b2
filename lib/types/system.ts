/** `database: 'ok'` stays for monitors that check it; `engine` and `sync` say whether this process runs them. */
export type Health = { status: 'ok'; database: 'ok'; databaseKind: 'sqlite' | 'postgresql'; engine: boolean; sync: boolean; version: string }

export type SystemInfo = { dataDir: string; databasePath: string; databaseKind: 'sqlite' | 'postgresql'; version: string }
