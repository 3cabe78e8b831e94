/** Room names of the socket.io gateway, shared by the gateway (joins) and the control (evictions). */
export const userRoom = (userId: string) => `user:${userId}`;
export const keyRoom = (keyId: string) => `key:${keyId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
