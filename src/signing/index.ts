export * from './algorithms.js';
export * from './authorization.js';
export * from './canonical.js';
export * from './rsa-pss.js';
export * from './request-signer.js';
