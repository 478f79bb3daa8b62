// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Session, User } from '@teixit/core';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** A DomainError code (e.g. invitation_invalid) so the error page can explain it in the user's language. */
			code?: string;
			reason?: string;
		}
		interface Locals {
			user: User | null;
			session: Session | null;
		}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
}

export {};
