/** Polls until the assertion stops throwing (no fixed sleeps). */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5000, everyMs = 25): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await fn();
		} catch (err) {
			if (Date.now() > deadline) throw err;
			await new Promise((r) => setTimeout(r, everyMs));
		}
	}
}
