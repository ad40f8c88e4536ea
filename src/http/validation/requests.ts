/** The request declarations live with the wire shapes (src/wire/requests.ts); validation reads them from there. */
export * from '../../wire/requests.js';
