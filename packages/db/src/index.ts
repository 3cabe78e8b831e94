export { type CreateDbOptions, createDb, type Database, type Db, type Pool, pingDatabase, type Tx } from "./client.ts";
