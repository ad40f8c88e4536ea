/** The declaration combinators live with the wire shapes (src/wire/schema.ts). */
export * from '../../wire/schema.js';
