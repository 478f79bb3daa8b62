// The default participatory self-diagnosis of the Interim Executive methodology: 10 dimensions x 4 items
// (DOMAIN.md A3.1). Catalan and English texts as given there; Spanish translated for this package.
// Keys are stable: once responses exist under a key, never reuse it for a different question.
import type { Localized } from './labels.ts';
import type { DiagnosisTemplate } from './template.ts';

type Row = readonly [key: string, ca: string, es: string, en: string];

const DIMENSIONS: readonly Row[] = [
	['D1', 'Propòsit i proposta de valor', 'Propósito y propuesta de valor', 'Purpose & value proposition'],
	['D2', 'Clients i segments', 'Clientes y segmentos', 'Customers & segments'],
	['D3', 'Cartera de productes i serveis', 'Cartera de productos y servicios', 'Product & service portfolio'],
	['D4', 'Preus, costos i rendibilitat', 'Precios, costes y rentabilidad', 'Pricing, costs & profitability'],
	['D5', 'Canals i procés de venda', 'Canales y proceso de venta', 'Channels & sales process'],
	['D6', 'Comunicació i marca', 'Comunicación y marca', 'Communication & brand'],
	['D7', 'Mercat i competència', 'Mercado y competencia', 'Market & competition'],
	['D8', 'Intercooperació, mercat social i compra pública', 'Intercooperación, mercado social y compra pública', 'Inter-cooperation, social market & public procurement'],
	['D9', 'Organització comercial i capacitats', 'Organización comercial y capacidades', 'Commercial organisation & skills'],
	['D10', 'Governança, participació i cures', 'Gobernanza, participación y cuidados', 'Governance, participation & care']
];

const ITEMS: readonly Row[] = [
	['D1.1', 'Sabem explicar en una frase què oferim, a qui i per què som diferents', 'Sabemos explicar en una frase qué ofrecemos, a quién y por qué somos diferentes', 'We can say in one sentence what we offer, to whom, and why we differ'],
	['D1.2', "Els valors ESS (democràcia, impacte, proximitat) formen part de l'argument de venda", 'Los valores de la ESS (democracia, impacto, proximidad) forman parte del argumento de venta', 'ESS values are part of our sales argument'],
	['D1.3', "Tot l'equip comparteix la mateixa idea del que venem", 'Todo el equipo comparte la misma idea de lo que vendemos', 'The whole team shares the same view of what we sell'],
	['D1.4', 'Hem contrastat la proposta amb clients reals els darrers 12 mesos', 'Hemos contrastado la propuesta con clientes reales en los últimos 12 meses', 'We tested the proposition with real customers in the last 12 months'],
	['D2.1', 'Tenim identificats els segments (particulars, empreses, administració, entitats ESS)', 'Tenemos identificados los segmentos (particulares, empresas, administración, entidades de la ESS)', 'Our segments (households, firms, public sector, ESS orgs) are identified'],
	['D2.2', 'Sabem quin % de facturació ve de cada segment i dels 5 primers clients', 'Sabemos qué % de la facturación viene de cada segmento y de los 5 primeros clientes', 'We know revenue share per segment and of the top-5 customers'],
	['D2.3', 'Coneixem necessitats, frustracions i guanys esperats de cada segment', 'Conocemos las necesidades, frustraciones y beneficios esperados de cada segmento', "We know each segment's jobs, pains and gains"],
	['D2.4', 'Recollim de manera sistemàtica la satisfacció i les baixes de clients', 'Recogemos de forma sistemática la satisfacción y las bajas de clientes', 'We systematically track satisfaction and churn'],
	['D3.1', 'Tenim un catàleg clar i actualitzat amb fitxa per servei', 'Tenemos un catálogo claro y actualizado con una ficha por servicio', 'We have a clear, current catalogue with a sheet per service'],
	['D3.2', 'Sabem quins serveis són més rendibles i quins més demandats', 'Sabemos qué servicios son más rentables y cuáles más demandados', 'We know which offers are most profitable and most demanded'],
	['D3.3', "Revisem l'oferta i explorem noves línies de negoci periòdicament", 'Revisamos la oferta y exploramos nuevas líneas de negocio periódicamente', 'We periodically review the offer and explore new business lines'],
	['D3.4', 'Tenim ofertes conjuntes amb altres entitats', 'Tenemos ofertas conjuntas con otras entidades', 'We have joint offers with other organisations'],
	['D4.1', 'Els preus parteixen del cost real, incloses les hores no facturables', 'Los precios parten del coste real, incluidas las horas no facturables', 'Prices start from real cost, incl. non-billable hours'],
	['D4.2', "Coneixem el punt d'equilibri i el marge per servei", 'Conocemos el punto de equilibrio y el margen por servicio', 'We know break-even and margin per offer'],
	['D4.3', 'Els preus permeten condicions laborals dignes i són assumibles pel mercat', 'Los precios permiten condiciones laborales dignas y el mercado puede asumirlos', 'Prices allow decent working conditions and the market can bear them'],
	['D4.4', 'Tenim previsió de vendes i tresoreria a 12 mesos', 'Tenemos previsión de ventas y de tesorería a 12 meses', 'We have a 12-month sales and cash forecast'],
	['D5.1', 'Tenim un procés comercial definit (prospecció, proposta, tancament, seguiment)', 'Tenemos un proceso comercial definido (prospección, propuesta, cierre, seguimiento)', 'We have a defined sales process'],
	['D5.2', "Fem servir un registre compartit d'oportunitats i contactes (CRM)", 'Usamos un registro compartido de oportunidades y contactos (CRM)', 'We use a shared pipeline/CRM'],
	['D5.3', 'Mesurem la conversió de pressupostos i el temps de resposta', 'Medimos la conversión de presupuestos y el tiempo de respuesta', 'We measure quote conversion and response time'],
	['D5.4', 'Sabem quins canals ens porten clients (web, boca-orella, xarxes, licitacions, fires)', 'Sabemos qué canales nos traen clientes (web, boca a boca, redes, licitaciones, ferias)', 'We know which channels bring customers'],
	['D6.1', 'Missatges i identitat coherents a tots els canals', 'Mensajes e identidad coherentes en todos los canales', 'Consistent messages and identity across channels'],
	['D6.2', 'Web i xarxes actualitzades amb casos i testimonis', 'Web y redes actualizadas con casos y testimonios', 'Website/social media current, with cases and testimonials'],
	['D6.3', 'Pla de comunicació amb calendari i responsables', 'Plan de comunicación con calendario y responsables', 'A communication plan with calendar and owners'],
	['D6.4', "Comuniquem l'impacte (Balanç Social, Pam a Pam, segells) als clients", 'Comunicamos el impacto (Balance Social, Pam a Pam, sellos) a los clientes', 'We communicate our impact (BS, Pam a Pam, labels) to customers'],
	['D7.1', "Coneixem la mida i l'evolució del nostre mercat", 'Conocemos el tamaño y la evolución de nuestro mercado', "We know our market's size and trend"],
	['D7.2', 'Coneixem la competència (ESS i convencional) i el nostre posicionament', 'Conocemos la competencia (ESS y convencional) y nuestro posicionamiento', 'We know competitors (ESS and mainstream) and our positioning'],
	['D7.3', 'Seguim canvis normatius i tendències que ens afecten', 'Seguimos los cambios normativos y las tendencias que nos afectan', 'We follow regulatory changes and trends affecting us'],
	['D7.4', 'Detectem oportunitats de mercat de manera sistemàtica', 'Detectamos oportunidades de mercado de forma sistemática', 'We detect market opportunities systematically'],
	['D8.1', 'Aprofitem la xarxa (Grup ECOS, XES, Mercat Social) per generar negoci', 'Aprovechamos la red (Grup ECOS, XES, Mercado Social) para generar negocio', 'We use our networks to generate business'],
	['D8.2', 'Participem en ofertes conjuntes amb altres cooperatives', 'Participamos en ofertas conjuntas con otras cooperativas', 'We take part in joint bids with other co-ops'],
	['D8.3', 'Tenim capacitat per optar a licitacions amb clàusules socials', 'Tenemos capacidad para optar a licitaciones con cláusulas sociales', 'We can bid for public tenders with social clauses'],
	['D8.4', "Comprem a proveïdores de l'ESS", 'Compramos a proveedoras de la ESS', 'We buy from ESS suppliers'],
	['D9.1', 'Hi ha temps assignat explícitament a la funció comercial', 'Hay tiempo asignado explícitamente a la función comercial', 'Time is explicitly assigned to the sales function'],
	['D9.2', 'Les responsabilitats comercials estan repartides i acordades', 'Las responsabilidades comerciales están repartidas y acordadas', 'Sales responsibilities are split and agreed'],
	['D9.3', "L'equip té prou competències comercials", 'El equipo tiene suficientes competencias comerciales', 'The team has enough sales skills'],
	['D9.4', 'Vendre no es viu com a contradictori amb els nostres valors', 'Vender no se vive como algo contradictorio con nuestros valores', 'Selling is not felt to contradict our values'],
	['D10.1', 'Les decisions comercials estratègiques són participades i àgils', 'Las decisiones comerciales estratégicas son participativas y ágiles', 'Strategic sales decisions are participatory and timely'],
	['D10.2', "Fem seguiment periòdic d'objectius en equip/assemblea", 'Hacemos un seguimiento periódico de los objetivos en equipo/asamblea', 'We review goals periodically as a team/assembly'],
	['D10.3', 'La càrrega comercial és sostenible i ben repartida', 'La carga comercial es sostenible y está bien repartida', 'The sales workload is sustainable and fairly shared'],
	['D10.4', 'Tenim espais per tractar tensions sobre prioritats', 'Tenemos espacios para tratar las tensiones sobre prioridades', 'We have spaces to handle tensions over priorities']
];

const loc = (r: Row): Localized => ({ ca: r[1], es: r[2], en: r[3] });

export const DEFAULT_TEMPLATE_ID = 'ie-ess-diagnosis';

function build(): DiagnosisTemplate {
	return {
		id: DEFAULT_TEMPLATE_ID,
		version: 1,
		name: {
			ca: 'Autodiagnosi comercial participativa',
			es: 'Autodiagnóstico comercial participativo',
			en: 'Participatory commercial self-diagnosis'
		},
		dimensions: DIMENSIONS.map((d, i) => ({
			key: d[0],
			label: loc(d),
			order: i + 1,
			items: ITEMS.filter((it) => it[0].startsWith(`${d[0]}.`)).map((it) => ({ key: it[0], text: loc(it) }))
		}))
	};
}

/** A fresh copy of the default template (callers may mutate it freely). */
export function defaultTemplate(): DiagnosisTemplate {
	return build();
}

/** The default template, deeply frozen. */
export const DEFAULT_TEMPLATE: DiagnosisTemplate = deepFreeze(build());

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const v of Object.values(value)) deepFreeze(v);
		Object.freeze(value);
	}
	return value;
}
