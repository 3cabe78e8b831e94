export { type CreateDbOptions, createDb, type Database, type Db, type Pool, type Tx } from "./client.ts";
