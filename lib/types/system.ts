export type Health = { status: 'ok'; database: 'ok'; version: string }

export type SystemInfo = { dataDir: string; databasePath: string; version: string }
