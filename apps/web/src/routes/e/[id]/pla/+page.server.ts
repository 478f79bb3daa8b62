import { loadPlanPage } from '$lib/plan/load.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => loadPlanPage(event);
