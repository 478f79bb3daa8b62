// Random identifiers and secrets, and the one-way hash used for every stored secret.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

const randomBase32 = (bytes: number) => encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));

/** 80-bit ids: unguessable enough for URLs, short enough to read. */
export const newId = () => randomBase32(10);
/** 160-bit secrets for session, invitation and API tokens. */
export const newSecret = () => randomBase32(20);
export const hashSecret = (secret: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
