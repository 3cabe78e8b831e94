export {
  type CreateDbOptions,
  checkPoolFits,
  createDb,
  type Database,
  type Db,
  type Pool,
  PoolTooLargeError,
  pingDatabase,
  type Tx,
} from "./client.ts";
