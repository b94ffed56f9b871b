import type { InteractionInput } from '../../shared/ingest';

/**
 * Demo traffic for the Skyward Air tenant: a pure, seeded generator of mixed contact-center
 * interactions in the shape `POST /api/ingest` takes. Same seed and same `now` sequence → same
 * interactions; nothing here reads the clock, the network or Math.random.
 *
 * What it models (DESIGN.md, seeds 1 and 4):
 * - one queue fed by public X posts (some from people with 10k–2M followers, a few going viral with
 *   replies from other users on the same thread), X DMs, Facebook posts and comments, Messenger,
 *   email threads with follow-ups, phone calls as speaker-turn transcripts and web chats;
 * - a pool of recurring customers who come back on other channels (a tweet, then a DM; an email,
 *   then a call), some of whom write the email or phone they used elsewhere into a DM, which the
 *   backend turns into identity-link suggestions;
 * - customers writing in Spanish, French and German;
 * - posts that trip the tenant's listening rules (baggage, refunds, the viral "skyward breaks
 *   guitars" complaint, competitor mentions) and a `spike()` burst for the spike detector.
 */

export const BRAND = {
  name: 'Skyward Air',
  xHandle: '@skywardair',
  xUserId: '1402000000000000001',
  facebookPageId: '104000000000001',
  supportEmail: 'support@skywardair.example',
} as const;

export interface TrafficGenerator {
  /** One event: a post, a DM, an email, a whole call transcript, a chat session… plus any follow-ups now due. */
  next(now: Date): InteractionInput[];
  /** A burst of public posts matching the viral-complaint listening rule. */
  spike(now: Date): InteractionInput[];
}

export interface TrafficOptions {
  /** Size of the recurring customer pool (default 300). */
  customers?: number;
}

/** Small deterministic PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(private readonly source: () => number) {}

  float(): number {
    return this.source();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.source() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.source() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.source() * items.length)]!;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.source() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** Log-uniform integer: as many people with 10k–100k followers as with 100k–1M. */
  logInt(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.source() * (Math.log(max) - Math.log(min))));
  }

  code(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.source() * alphabet.length)]!;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

type Lang = 'en' | 'es' | 'fr' | 'de';
type Tone = 'angry' | 'polite' | 'neutral' | 'thankful';

const words = (text: string): readonly string[] => text.split(' ');

const NAMES: Record<Lang, { first: readonly string[]; last: readonly string[] }> = {
  en: {
    first: words(
      'Olivia Liam Emma Noah Ava James Sophia Lucas Mia Ethan Chloe Jack Grace Owen Ruby Henry Isla Leo Zara Caleb Hannah Marcus Priya Darnell Keisha Aiden Fiona Rohan Megan Tyler',
    ),
    last: words(
      "Carter Brooks Patel Nguyen O'Brien Walsh Hughes Foster Bennett Reid Coleman Shaw Murphy Kim Hayes Fletcher Doyle Price Ward Moss Okoro Lindqvist Abbott Quinn",
    ),
  },
  es: {
    first: words('Lucía Mateo Sofía Diego Valentina Javier Camila Andrés Carmen Pablo Elena Alejandro'),
    last: words('García Martínez López Fernández Ruiz Morales Navarro Ortega Castillo Romero'),
  },
  fr: {
    first: words('Camille Louis Chloé Hugo Manon Théo Léa Antoine Juliette Mathieu'),
    last: words('Martin Bernard Dubois Lefèvre Moreau Laurent Girard Roux Fontaine Chevalier'),
  },
  de: {
    first: words('Lukas Anna Felix Lena Jonas Marie Paul Sophie Maximilian Katharina'),
    last: words('Müller Schmidt Schneider Fischer Weber Becker Hoffmann Wagner Schäfer Koch'),
  },
};

/** City and IATA code; the code starts baggage file references (LHRSK12345). */
const CITIES: readonly { name: string; code: string }[] = words(
  'London:LHR Madrid:MAD Paris:CDG Berlin:BER New_York:JFK Chicago:ORD Denver:DEN Toronto:YYZ Lisbon:LIS Rome:FCO Dublin:DUB Amsterdam:AMS Munich:MUC Barcelona:BCN Lyon:LYS Mexico_City:MEX Boston:BOS Seattle:SEA Atlanta:ATL Reykjavik:KEF Oslo:OSL Vienna:VIE Zurich:ZRH Montreal:YUL Miami:MIA Austin:AUS Frankfurt:FRA Seville:SVQ Nice:NCE Edinburgh:EDI',
).map((entry) => {
  const [name = '', code = ''] = entry.split(':');
  return { name: name.replace(/_/g, ' '), code };
});

// Colours agree with the bag they describe: "maleta roja", "valise rouge", "meinen roten Koffer".
const COLOURS: Record<Lang, readonly string[]> = {
  en: ['black', 'navy blue', 'red', 'silver', 'green', 'purple', 'grey', 'bright yellow', 'hard-shell white'],
  es: ['negra', 'azul marino', 'roja', 'plateada', 'verde', 'morada', 'gris'],
  fr: ['noire', 'bleu marine', 'rouge', 'argentée', 'verte', 'violette', 'grise'],
  de: ['schwarzen', 'dunkelblauen', 'roten', 'silbernen', 'grünen', 'grauen'],
};

const MONTHS: Record<Lang, readonly string[]> = {
  en: words('January February March April May June July August September October November December'),
  es: words('enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre'),
  fr: words('janvier février mars avril mai juin juillet août septembre octobre novembre décembre'),
  de: words('Januar Februar März April Mai Juni Juli August September Oktober November Dezember'),
};

const INSTRUMENTS = ['guitar', 'Taylor guitar', 'cello', 'violin', 'bass guitar', 'vintage Gibson guitar', 'mandolin'];
const AGENTS = ['Dana', 'Sam', 'Priya', 'Luis', 'Mei', 'Tom', 'Aisha', 'Jonas', 'Elena', 'Kofi', 'Nora', 'Ravi'];
const COMPANIES = [
  'Northwind Traders',
  'Brightline Studio',
  'Harbor & Pine LLP',
  'Acme Logistics',
  'Bluebird Analytics',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'inbox.example.net'];
const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const HEX = '0123456789abcdef';

/** Made-up accounts with a big audience, for the complaints that go viral. */
const INFLUENCERS: readonly { handle: string; name: string; followers: number }[] = [
  { handle: 'jessmarlowemusic', name: 'Jess Marlowe', followers: 1_850_000 },
  { handle: 'thetravelingtomas', name: 'Tomás Rivera 🌍', followers: 412_000 },
  { handle: 'kaytechreviews', name: 'Kay Tanaka', followers: 96_500 },
  { handle: 'dadjokesdaniel', name: 'Daniel Osei', followers: 238_000 },
  { handle: 'cellistnoor', name: 'Noor Haddad', followers: 57_300 },
];

/** Page posts by Skyward Air that people comment under. */
const BRAND_POSTS = [
  { id: '771000000000101', title: 'New route: Lisbon from June' },
  { id: '771000000000102', title: 'Summer sale: 20% off to Europe' },
  { id: '771000000000103', title: 'Meet our new cabin crew uniforms' },
  { id: '771000000000104', title: 'Winter weather: check your flight status' },
];

// ---------------------------------------------------------------------------------------------
// Templates. Slots in braces are filled per event (see Slots); each template has a stable id.

interface TextTemplate {
  id: string;
  lang: Lang;
  tone: Tone;
  text: string;
}
interface EmailTemplate extends TextTemplate {
  subject: string;
}
interface ChatTemplate {
  id: string;
  lang: Lang;
  tone: Tone;
  lines: readonly string[];
}
interface CallTurn {
  speaker: 'customer' | 'agent' | 'system';
  text: string;
  optional?: boolean;
}
interface CallTemplate {
  id: string;
  lang: Lang;
  tone: Tone;
  queue: string;
  turns: readonly CallTurn[];
}

const X_POSTS: readonly TextTemplate[] = [
  {
    id: 'x-delay-angry',
    lang: 'en',
    tone: 'angry',
    text: "{brand} flight {flight} from {from} delayed {hours} hours and not one update from your staff. Worst airline I've ever flown. #skywardair",
  },
  {
    id: 'x-lostbag-angry',
    lang: 'en',
    tone: 'angry',
    text: 'Landed in {to} hours ago and my {colour} suitcase is lost. {brand} your baggage desk just shrugged at me. File {fileRef}',
  },
  {
    id: 'x-cancel-angry',
    lang: 'en',
    tone: 'angry',
    text: '{brand} you cancelled {flight} with 40 minutes notice and your rebooking line keeps hanging up on me. Unbelievable.',
  },
  {
    id: 'x-compensation-angry',
    lang: 'en',
    tone: 'angry',
    text: 'Third delay this month {brand}. {flight} {from} to {to}, {hours} hours late again. I want compensation, not another voucher.',
  },
  {
    id: 'x-brokenbag-angry',
    lang: 'en',
    tone: 'angry',
    text: 'My bag came off the belt in {to} completely broken. Wheel gone, zip ripped open. Thanks a lot {brand} 🙄',
  },
  {
    id: 'x-refund-angry',
    lang: 'en',
    tone: 'angry',
    text: 'Still waiting on my refund of {amount} from {brand} for a flight YOU cancelled {weeks} weeks ago. #skywardair',
  },
  {
    id: 'x-charge-angry',
    lang: 'en',
    tone: 'angry',
    text: '{brand} charged me {amount} for a seat upgrade I never got on {flight}. Who do I even talk to about this?',
  },
  {
    id: 'x-ontime-neutral',
    lang: 'en',
    tone: 'neutral',
    text: "{brand} is {flight} to {to} on time today? The app just says 'check later'.",
  },
  {
    id: 'x-instrument-neutral',
    lang: 'en',
    tone: 'neutral',
    text: 'Hey {brand}, can I take my {instrument} in the cabin on {flight} or does it have to be checked?',
  },
  {
    id: 'x-loyalty-neutral',
    lang: 'en',
    tone: 'neutral',
    text: '{brand} how do I add my SkyMiles number to booking {ref} after check-in?',
  },
  {
    id: 'x-wifi-polite',
    lang: 'en',
    tone: 'polite',
    text: "Hi {brand}, the wifi on {flight} didn't work for the whole flight. Any chance of a refund for the pass I bought? Thanks!",
  },
  {
    id: 'x-pet-polite',
    lang: 'en',
    tone: 'polite',
    text: '{brand} any update on the pet policy for the {from} to {to} route? Travelling with a small dog next month, thank you.',
  },
  {
    id: 'x-foundbag-thankful',
    lang: 'en',
    tone: 'thankful',
    text: 'Shout out to the ground team in {to} and {brand}: they found my {colour} bag in record time 🙌',
  },
  {
    id: 'x-rebook-thankful',
    lang: 'en',
    tone: 'thankful',
    text: 'Big thanks {brand} for rebooking me so fast after the storm. {agent} on the phone was brilliant.',
  },
  {
    id: 'x-es-bag-angry',
    lang: 'es',
    tone: 'angry',
    text: '{brand} llevo {days} días sin mi maleta {colour} después del vuelo {flight} desde {from}. Nadie me da una respuesta. ¿Dónde está mi equipaje?',
  },
  {
    id: 'x-es-delay-angry',
    lang: 'es',
    tone: 'angry',
    text: '{brand} el vuelo {flight} lleva {hours} horas de retraso y no hay nadie en el mostrador para informar. Qué vergüenza, de verdad.',
  },
  {
    id: 'x-fr-bag-angry',
    lang: 'fr',
    tone: 'angry',
    text: '{brand} ma valise {colour} est arrivée complètement cassée à {to} après le vol {flight}. Je veux un remboursement, pas des excuses.',
  },
  {
    id: 'x-fr-cancel-angry',
    lang: 'fr',
    tone: 'angry',
    text: "{brand} vol {flight} annulé sans explication et toujours aucune réponse de votre service client. C'est inadmissible, je suis bloqué à {from}.",
  },
  {
    id: 'x-de-bag-angry',
    lang: 'de',
    tone: 'angry',
    text: '{brand} seit {days} Tagen warte ich auf meinen {colour} Koffer vom Flug {flight} aus {from}. Niemand ist erreichbar. Wo ist mein Gepäck?',
  },
  {
    id: 'x-de-delay-angry',
    lang: 'de',
    tone: 'angry',
    text: '{brand} der Flug {flight} hat schon wieder {hours} Stunden Verspätung und es gibt keine Informationen am Gate. Echt nicht zu fassen.',
  },
];

const VIRAL_POSTS: readonly TextTemplate[] = [
  {
    id: 'viral-guitar',
    lang: 'en',
    tone: 'angry',
    text: '{brand} baggage handlers broke my {instrument} on {flight} from {from}. I watched them throw the case from the window. Skyward breaks guitars, and apparently everything else. #skywardair',
  },
  {
    id: 'viral-stranded',
    lang: 'en',
    tone: 'angry',
    text: '{brand} left 200 of us stranded at {from} overnight. No hotel, no food vouchers, flight {flight} cancelled and the staff just vanished. Thread 🧵',
  },
  {
    id: 'viral-wheelchair',
    lang: 'en',
    tone: 'angry',
    text: "{brand} lost my mother's wheelchair on {flight} to {to}. She has been stuck at the airport for {hours} hours. This is disgraceful.",
  },
];

const VIRAL_REPLIES: readonly TextTemplate[] = [
  {
    id: 'reply-same',
    lang: 'en',
    tone: 'angry',
    text: 'Same thing happened to me with {brand} last month, bag destroyed and no reply to any of my emails.',
  },
  { id: 'reply-stopped', lang: 'en', tone: 'angry', text: 'This is exactly why I stopped flying Skyward Air.' },
  { id: 'reply-answer', lang: 'en', tone: 'angry', text: '{brand} answer this person!!' },
  {
    id: 'reply-retweet',
    lang: 'en',
    tone: 'neutral',
    text: "Retweeting so {brand} can't pretend they didn't see this.",
  },
  {
    id: 'reply-instrument',
    lang: 'en',
    tone: 'angry',
    text: 'Had my {instrument} smashed by Skyward Air two years ago. Nothing has changed.',
  },
  {
    id: 'reply-support',
    lang: 'en',
    tone: 'polite',
    text: 'So sorry this happened to you. Hope they sort it out quickly 🙏',
  },
  {
    id: 'reply-court',
    lang: 'en',
    tone: 'angry',
    text: "Small claims court. It's the only language airlines like {brand} understand.",
  },
  {
    id: 'reply-timeline',
    lang: 'en',
    tone: 'angry',
    text: 'Flew {brand} from {from} in {month} and they lost my bag for {days} days. Zero compensation.',
  },
  {
    id: 'reply-tag-press',
    lang: 'en',
    tone: 'neutral',
    text: 'Tagging a few travel journalists here. This needs to be seen. #skywardair',
  },
  {
    id: 'reply-question',
    lang: 'en',
    tone: 'neutral',
    text: 'Did you file a report at the {to} desk before leaving the airport? It matters for the claim.',
  },
  {
    id: 'reply-es',
    lang: 'es',
    tone: 'angry',
    text: 'A mí me pasó lo mismo con {brand} el año pasado y todavía estoy esperando una respuesta.',
  },
];

/** The original poster, hours later, on their own thread. */
const VIRAL_UPDATES: readonly TextTemplate[] = [
  {
    id: 'viral-update',
    lang: 'en',
    tone: 'angry',
    text: 'UPDATE: still nothing from {brand}. {hours} hours and counting.',
  },
  {
    id: 'viral-update-called',
    lang: 'en',
    tone: 'neutral',
    text: 'Update: {brand} finally called me. Let’s see if they follow through this time.',
  },
];

/** Every one of these matches the tenant's "Viral complaint: broken instruments" rule. */
const SPIKE_POSTS: readonly TextTemplate[] = [
  {
    id: 'spike-trending',
    lang: 'en',
    tone: 'angry',
    text: '"Skyward breaks guitars" is trending and honestly it\'s deserved. {brand}',
  },
  {
    id: 'spike-hashtag',
    lang: 'en',
    tone: 'angry',
    text: 'Just watched the video. #skywardbreaksguitars Never flying them again.',
  },
  {
    id: 'spike-mine-too',
    lang: 'en',
    tone: 'angry',
    text: '{brand} my {instrument} arrived smashed too. Add me to the list. #skywardbreaksguitars',
  },
  {
    id: 'spike-emoji',
    lang: 'en',
    tone: 'angry',
    text: "Skyward breaks guitars 🎸💔 and they still haven't replied to @{otherHandle}",
  },
  {
    id: 'spike-warning',
    lang: 'en',
    tone: 'angry',
    text: 'Musicians beware: skyward breaks guitars. My {instrument} was broken on {flight} from {from}. {brand}',
  },
  {
    id: 'spike-song',
    lang: 'en',
    tone: 'neutral',
    text: 'Someone should write a song called Skyward Breaks Guitars. Oh wait. #skywardbreaksguitars',
  },
];

const SPIKE_FACEBOOK: readonly TextTemplate[] = [
  {
    id: 'spike-facebook',
    lang: 'en',
    tone: 'angry',
    text: "Skyward Air, I saw the video. My daughter's {instrument} was broken on your flight {flight} too. Skyward breaks guitars, it's not a joke.",
  },
];

/** Alert-only: the competitor rule matches these and no rule that opens a conversation does. */
const COMPETITOR_POSTS: readonly TextTemplate[] = [
  {
    id: 'competitor-faster',
    lang: 'en',
    tone: 'neutral',
    text: "Blue Line Air had me home two hours early while {brand} still shows my flight as 'delayed'. Just saying.",
  },
  {
    id: 'competitor-compare',
    lang: 'en',
    tone: 'neutral',
    text: 'Comparing @flyblueline and {brand} for a trip to {to} next month. Any recommendations?',
  },
];

const X_DMS: readonly TextTemplate[] = [
  {
    id: 'dm-lostbag',
    lang: 'en',
    tone: 'polite',
    text: "Hi, following up on my lost bag. Flight {flight} from {from}, file {fileRef}, booking {ref}. It's a {colour} suitcase with a ribbon on the handle.",
  },
  {
    id: 'dm-refund',
    lang: 'en',
    tone: 'neutral',
    text: 'Hello, I need a refund for {flight} on {date}, booking {ref}. The flight was cancelled and I paid {amount} for a new ticket elsewhere.',
  },
  {
    id: 'dm-namechange',
    lang: 'en',
    tone: 'polite',
    text: 'Hi there, can I change the name on booking {ref}? My passport has my married name now. Thanks in advance!',
  },
  {
    id: 'dm-ignored',
    lang: 'en',
    tone: 'angry',
    text: "I've sent you three DMs now about booking {ref}. Is anyone actually reading these??",
  },
  {
    id: 'dm-thanks',
    lang: 'en',
    tone: 'thankful',
    text: 'Just wanted to say thanks for sorting out my seat on {flight}. Really appreciated.',
  },
  {
    id: 'dm-es',
    lang: 'es',
    tone: 'polite',
    text: 'Hola, os escribo por privado como me pedisteis. Mi reserva es {ref}, vuelo {flight} del {date}. Todavía no tengo noticias de mi maleta.',
  },
  {
    id: 'dm-fr',
    lang: 'fr',
    tone: 'polite',
    text: "Bonjour, je vous écris en privé comme demandé. Ma réservation est {ref}, vol {flight} du {date}. Je n'ai toujours pas de nouvelles de ma valise.",
  },
  {
    id: 'dm-de',
    lang: 'de',
    tone: 'polite',
    text: 'Hallo, ich schreibe Ihnen wie gewünscht privat. Meine Buchung ist {ref}, Flug {flight} am {date}. Ich habe immer noch keine Nachricht zu meinem Koffer.',
  },
];

/** The DM a customer sends after complaining in public ("DM us your booking reference"). */
const DM_AFTER_PUBLIC: readonly TextTemplate[] = [
  {
    id: 'dm-after-tweet',
    lang: 'en',
    tone: 'neutral',
    text: 'Hi, I tweeted you earlier about flight {flight}. Booking reference is {ref}. Can you help me here?',
  },
  {
    id: 'dm-after-tweet-angry',
    lang: 'en',
    tone: 'angry',
    text: 'You told me to DM you, so here I am. Booking {ref}, flight {flight}. Now please actually do something.',
  },
];

const MESSENGER: readonly TextTemplate[] = [
  {
    id: 'messenger-change',
    lang: 'en',
    tone: 'polite',
    text: 'Hi! I booked {flight} for {date} and want to move it to the day after. Is there a change fee? Ref {ref}',
  },
  {
    id: 'messenger-app',
    lang: 'en',
    tone: 'angry',
    text: "My flight got cancelled and the app won't let me rebook. Please help, booking {ref}. I've been trying for an hour.",
  },
  {
    id: 'messenger-receipt',
    lang: 'en',
    tone: 'neutral',
    text: 'Hello, could I get a receipt for booking {ref}? I need it for my expenses.',
  },
  {
    id: 'messenger-bagfee',
    lang: 'en',
    tone: 'neutral',
    text: 'How much is a second checked bag from {from} to {to}?',
  },
  {
    id: 'messenger-es',
    lang: 'es',
    tone: 'polite',
    text: 'Hola, quería saber si puedo cambiar la fecha de mi vuelo {flight} sin pagar más. Mi reserva es {ref}. Muchas gracias.',
  },
  {
    id: 'messenger-fr',
    lang: 'fr',
    tone: 'polite',
    text: 'Bonjour, est-ce que je peux changer la date de mon vol {flight} sans frais ? Ma réservation est {ref}. Merci beaucoup.',
  },
  {
    id: 'messenger-de',
    lang: 'de',
    tone: 'polite',
    text: 'Hallo, kann ich das Datum meines Flugs {flight} ohne Gebühr ändern? Meine Buchung ist {ref}. Vielen Dank!',
  },
];

const FACEBOOK_POSTS: readonly TextTemplate[] = [
  {
    id: 'fb-lostbag-angry',
    lang: 'en',
    tone: 'angry',
    text: 'I have been trying to reach Skyward Air for {days} days about my lost luggage from {from}. Nobody answers the phone and the online form just errors. Booking {ref}.',
  },
  {
    id: 'fb-owe-angry',
    lang: 'en',
    tone: 'angry',
    text: 'Skyward Air, you owe me {amount}. Flight {flight} was cancelled and I had to buy another ticket to get home. I want my money back.',
  },
  {
    id: 'fb-crew-thankful',
    lang: 'en',
    tone: 'thankful',
    text: 'Lovely flight to {to} today, the cabin crew on {flight} were fantastic with my kids. Thank you Skyward Air!',
  },
  {
    id: 'fb-pets-neutral',
    lang: 'en',
    tone: 'neutral',
    text: 'Does anyone know if Skyward Air allows pets in the cabin on the {from} route?',
  },
  {
    id: 'fb-gate-angry',
    lang: 'en',
    tone: 'angry',
    text: "Sitting at the gate in {from} for {hours} hours now. Skyward Air, at least tell us what's going on with {flight}.",
  },
  {
    id: 'fb-es',
    lang: 'es',
    tone: 'angry',
    text: 'Skyward Air, mi vuelo {flight} fue cancelado y todavía no me han devuelto el dinero. Llevo {weeks} semanas esperando. ¿Alguien me puede ayudar?',
  },
  {
    id: 'fb-fr',
    lang: 'fr',
    tone: 'angry',
    text: "Skyward Air, mon vol {flight} a été annulé et je n'ai toujours pas été remboursé. Cela fait {weeks} semaines que j'attends. Quelqu'un peut m'aider ?",
  },
  {
    id: 'fb-de',
    lang: 'de',
    tone: 'angry',
    text: 'Skyward Air, mein Flug {flight} wurde gestrichen und ich warte seit {weeks} Wochen auf die Erstattung. Kann mir bitte jemand helfen?',
  },
];

const FACEBOOK_COMMENTS: readonly TextTemplate[] = [
  {
    id: 'fbc-fix-delays',
    lang: 'en',
    tone: 'angry',
    text: 'Great, a new route. Now maybe fix the delays on the existing ones? {flight} was {hours} hours late last week.',
  },
  {
    id: 'fbc-question',
    lang: 'en',
    tone: 'neutral',
    text: 'Will the flights to {to} have premium economy?',
  },
  {
    id: 'fbc-refund',
    lang: 'en',
    tone: 'angry',
    text: 'Nice post. Meanwhile my refund of {amount} is still missing after {weeks} weeks. Booking {ref}.',
  },
  {
    id: 'fbc-love',
    lang: 'en',
    tone: 'thankful',
    text: 'Love flying with you guys, best crew in the business ❤️',
  },
];

const EMAILS: readonly EmailTemplate[] = [
  {
    id: 'email-damaged',
    lang: 'en',
    tone: 'polite',
    subject: 'Damaged suitcase on flight {flight}',
    text: 'Dear Skyward Air,\n\nOn {date} I flew {flight} from {from} to {to}. When I collected my {colour} suitcase it had a cracked shell and a broken handle. I reported it at the baggage desk (file {fileRef}).\n\nPlease let me know how to claim a repair or replacement.\n\nRegards,\n{fullName}',
  },
  {
    id: 'email-refund',
    lang: 'en',
    tone: 'neutral',
    subject: 'Refund request – booking {ref}',
    text: 'Hello,\n\nMy flight {flight} from {from} to {to} on {date} was cancelled. I was told I would get a full refund of {amount} but nothing has arrived yet.\n\nBooking reference: {ref}\n\nPlease confirm when the refund will be processed.\n\nThank you,\n{fullName}',
  },
  {
    id: 'email-delay-complaint',
    lang: 'en',
    tone: 'angry',
    subject: 'Complaint: {hours}-hour delay on {flight}',
    text: 'To whom it may concern,\n\nI am writing to complain about flight {flight} from {from} on {date}, which left {hours} hours late. We were given no information, no food and no apology, and I missed an important meeting in {to} as a result.\n\nI expect compensation under the applicable passenger rights rules and a proper explanation.\n\n{fullName}',
  },
  {
    id: 'email-invoice',
    lang: 'en',
    tone: 'neutral',
    subject: 'Invoice for booking {ref}',
    text: 'Hi,\n\nCould you please send me a VAT invoice for booking {ref}? The company name is {company}.\n\nMany thanks,\n{fullName}',
  },
  {
    id: 'email-crew-thanks',
    lang: 'en',
    tone: 'thankful',
    subject: 'Thank you to your crew on {flight}',
    text: 'Hello,\n\nI just wanted to say thank you to the crew of {flight} from {from} to {to} on {date}. My son was unwell during the flight and they looked after him wonderfully.\n\nPlease pass on our thanks.\n\nWarm regards,\n{fullName}',
  },
  {
    id: 'email-lostbag',
    lang: 'en',
    tone: 'angry',
    subject: 'Lost bag – still nothing after {days} days',
    text: 'Hello,\n\nIt has now been {days} days since my {colour} suitcase went missing on {flight} from {from}. File reference {fileRef}. The tracking page has said "being traced" the whole time and nobody calls back.\n\nI have spent {amount} on clothes and toiletries so far. I need a real answer today.\n\n{fullName}',
  },
  {
    id: 'email-assistance',
    lang: 'en',
    tone: 'polite',
    subject: 'Special assistance for my father on {date}',
    text: 'Hello,\n\nMy father will fly {flight} from {from} to {to} on {date} and needs wheelchair assistance at both airports. Booking {ref}. Could you confirm this has been arranged?\n\nKind regards,\n{fullName}',
  },
  {
    id: 'email-es',
    lang: 'es',
    tone: 'angry',
    subject: 'Reclamación de equipaje – reserva {ref}',
    text: 'Buenos días:\n\nEl {date} volé con ustedes en el vuelo {flight} desde {from} y mi maleta {colour} no llegó. Ya han pasado {days} días y nadie me ha dado ninguna información. El número de expediente es {fileRef}.\n\nEspero una respuesta lo antes posible.\n\nUn saludo,\n{fullName}',
  },
  {
    id: 'email-fr',
    lang: 'fr',
    tone: 'angry',
    subject: 'Réclamation bagage – réservation {ref}',
    text: "Bonjour,\n\nLe {date}, j'ai pris le vol {flight} au départ de {from} et ma valise {colour} n'est jamais arrivée. Cela fait maintenant {days} jours et je n'ai reçu aucune nouvelle. Le numéro de dossier est {fileRef}.\n\nMerci de me répondre au plus vite.\n\nCordialement,\n{fullName}",
  },
  {
    id: 'email-de',
    lang: 'de',
    tone: 'angry',
    subject: 'Beschwerde Gepäck – Buchung {ref}',
    text: 'Sehr geehrte Damen und Herren,\n\nam {date} bin ich mit dem Flug {flight} ab {from} geflogen und mein Koffer ist nicht angekommen. Seit {days} Tagen habe ich keine Nachricht von Ihnen erhalten. Die Vorgangsnummer ist {fileRef}.\n\nIch bitte um eine schnelle Antwort.\n\nMit freundlichen Grüßen\n{fullName}',
  },
];

const EMAIL_FOLLOW_UPS: readonly TextTemplate[] = [
  {
    id: 'email-followup-chase',
    lang: 'en',
    tone: 'angry',
    text: "Hello,\n\nI'm writing again because I haven't had any reply to my email below. It has been {days} days. Please respond.\n\n{fullName}",
  },
  {
    id: 'email-followup-receipts',
    lang: 'en',
    tone: 'polite',
    text: "Hi,\n\nJust to add to my previous email: I've attached the receipts, {amount} in total.\n\nThanks,\n{first}",
  },
  {
    id: 'email-followup-thanks',
    lang: 'en',
    tone: 'thankful',
    text: 'Thank you for getting back to me so quickly, that solves it.\n\nBest,\n{first}',
  },
  {
    id: 'email-followup-es',
    lang: 'es',
    tone: 'angry',
    text: 'Hola:\n\nVuelvo a escribir porque todavía no he recibido ninguna respuesta a mi correo anterior. Por favor, contesten.\n\n{fullName}',
  },
  {
    id: 'email-followup-fr',
    lang: 'fr',
    tone: 'angry',
    text: "Bonjour,\n\nJe vous écris de nouveau car je n'ai toujours pas de réponse à mon message précédent. Merci de me répondre.\n\n{fullName}",
  },
  {
    id: 'email-followup-de',
    lang: 'de',
    tone: 'angry',
    text: 'Hallo,\n\nich schreibe noch einmal, weil ich auf meine letzte E-Mail immer noch keine Antwort bekommen habe. Bitte melden Sie sich.\n\n{fullName}',
  },
];

const CHATS: readonly ChatTemplate[] = [
  {
    id: 'chat-wifi',
    lang: 'en',
    tone: 'neutral',
    lines: ['Hi, is there wifi on {flight}?', 'And is it free for SkyMiles members?'],
  },
  {
    id: 'chat-bagfee',
    lang: 'en',
    tone: 'neutral',
    lines: ['Hello', 'How much is an extra bag from {from} to {to}?', "It's for booking {ref}"],
  },
  {
    id: 'chat-checkin-angry',
    lang: 'en',
    tone: 'angry',
    lines: [
      "I can't check in online, booking {ref} gives an error",
      "I've tried two browsers already",
      'My flight is in {hours} hours!!',
    ],
  },
  {
    id: 'chat-boardingpass',
    lang: 'en',
    tone: 'polite',
    lines: ['hi, could you resend my boarding pass please?', 'my email is {email}', 'thank you!'],
  },
  {
    id: 'chat-refund',
    lang: 'en',
    tone: 'neutral',
    lines: ['I want to know the status of my refund', 'booking {ref}, it was {amount}'],
  },
  {
    id: 'chat-seat',
    lang: 'en',
    tone: 'polite',
    lines: ['Can I pick a seat with extra legroom on {flight}?', 'Thanks, that would be great'],
  },
  {
    id: 'chat-es',
    lang: 'es',
    tone: 'neutral',
    lines: [
      'Hola, no puedo hacer el check-in de mi reserva {ref}',
      'Me sale un error cada vez que lo intento, ¿me podéis ayudar?',
    ],
  },
  {
    id: 'chat-fr',
    lang: 'fr',
    tone: 'neutral',
    lines: [
      "Bonjour, je n'arrive pas à faire l'enregistrement en ligne pour la réservation {ref}",
      "J'ai un message d'erreur à chaque fois, pouvez-vous m'aider ?",
    ],
  },
  {
    id: 'chat-de',
    lang: 'de',
    tone: 'neutral',
    lines: [
      'Hallo, ich kann für meine Buchung {ref} nicht online einchecken',
      'Es kommt jedes Mal eine Fehlermeldung, können Sie mir bitte helfen?',
    ],
  },
];

const CALLS: readonly CallTemplate[] = [
  {
    id: 'call-lostbag',
    lang: 'en',
    tone: 'neutral',
    queue: 'Baggage',
    turns: [
      { speaker: 'system', text: 'Call connected to the Baggage queue.' },
      { speaker: 'agent', text: 'Thank you for calling Skyward Air, my name is {agent}. How can I help you today?' },
      {
        speaker: 'customer',
        text: 'Hi {agent}. I flew in from {from} on {flight} yesterday and my {colour} suitcase never came out.',
      },
      {
        speaker: 'agent',
        text: "I'm really sorry about that. Do you have your booking reference or the baggage file number?",
      },
      { speaker: 'customer', text: 'Yes, the file is {fileRef} and the booking is {ref}.' },
      {
        speaker: 'agent',
        text: 'Thank you. I can see the bag was scanned in {city} and missed the connection.',
        optional: true,
      },
      { speaker: 'customer', text: 'So where is it now? My medication is in there, I need it.', optional: true },
      {
        speaker: 'agent',
        text: "It's on the next flight and we'll courier it to your address tonight. I'll also note a claim for essentials up to {amount}.",
      },
      { speaker: 'customer', text: 'Okay. Please make sure someone actually calls me this time.', optional: true },
      { speaker: 'agent', text: 'Absolutely. Is there anything else I can help with?', optional: true },
      { speaker: 'customer', text: "No, that's it. Thanks." },
      { speaker: 'system', text: 'Call ended.', optional: true },
    ],
  },
  {
    id: 'call-refund',
    lang: 'en',
    tone: 'angry',
    queue: 'Refunds',
    turns: [
      { speaker: 'system', text: 'Call connected to the Refunds queue.' },
      { speaker: 'agent', text: 'Skyward Air, this is {agent} speaking. How can I help?' },
      {
        speaker: 'customer',
        text: "I've been waiting {weeks} weeks for a refund of {amount} for a flight you cancelled. This is ridiculous.",
      },
      { speaker: 'agent', text: 'I understand how frustrating that is. Could I have the booking reference, please?' },
      { speaker: 'customer', text: "{ref}. I've given it to three people already." },
      {
        speaker: 'agent',
        text: "Thank you. The refund was approved but never sent to the payment provider. That's our mistake.",
        optional: true,
      },
      { speaker: 'customer', text: 'Of course it is. When do I get my money?', optional: true },
      {
        speaker: 'agent',
        text: "I've pushed it through with priority; it should reach your card within 5 working days, and I'll email you the confirmation.",
      },
      {
        speaker: 'customer',
        text: "Fine. If it's not there by Friday I'm disputing the charge with my bank.",
        optional: true,
      },
      { speaker: 'system', text: 'Call ended.', optional: true },
    ],
  },
  {
    id: 'call-rebook',
    lang: 'en',
    tone: 'neutral',
    queue: 'Reservations',
    turns: [
      { speaker: 'system', text: 'Call connected to the Reservations queue.' },
      { speaker: 'agent', text: 'Good morning, Skyward Air reservations, {agent} speaking.' },
      {
        speaker: 'customer',
        text: 'Hi, my flight {flight} to {to} was cancelled and I need to get there by tomorrow evening.',
      },
      { speaker: 'agent', text: "Let me have a look. What's your booking reference?" },
      { speaker: 'customer', text: "It's {ref}." },
      {
        speaker: 'agent',
        text: 'Thanks. I can put you on the first departure tomorrow, or tonight via {city}.',
        optional: true,
      },
      { speaker: 'customer', text: "Tonight via {city} please, if the connection isn't too tight.", optional: true },
      {
        speaker: 'agent',
        text: "You'd have over an hour there, which is fine. I've rebooked you and your new boarding pass is on its way by email.",
        optional: true,
      },
      { speaker: 'customer', text: 'Great, thank you so much.' },
      { speaker: 'agent', text: "You're welcome, have a safe trip." },
    ],
  },
  {
    id: 'call-escalation',
    lang: 'en',
    tone: 'angry',
    queue: 'Customer Care',
    turns: [
      { speaker: 'system', text: 'Call connected to the Customer Care queue after a long wait.' },
      {
        speaker: 'customer',
        text: "Finally. I've been on hold for {waitMinutes} minutes. I want to speak to a manager.",
      },
      {
        speaker: 'agent',
        text: "I'm sorry about the wait. My name is {agent}, I'll do my best to help. What happened?",
      },
      {
        speaker: 'customer',
        text: 'Your crew at {from} refused to board me on {flight} even though I was at the gate on time. Booking {ref}.',
      },
      { speaker: 'agent', text: "I'm looking at the booking now. It shows the flight was overbooked.", optional: true },
      { speaker: 'customer', text: 'So you sold my seat twice. Brilliant.', optional: true },
      {
        speaker: 'agent',
        text: "You're entitled to denied-boarding compensation of {amount}. I'm raising the claim for you now.",
      },
      { speaker: 'customer', text: 'And I still want a formal complaint logged.', optional: true },
      { speaker: 'agent', text: "I've logged it; a supervisor will call you back within two days.", optional: true },
      { speaker: 'system', text: 'Call transferred to the supervisor callback queue.', optional: true },
    ],
  },
  {
    id: 'call-miles',
    lang: 'en',
    tone: 'polite',
    queue: 'Loyalty',
    turns: [
      { speaker: 'system', text: 'Call connected to the Loyalty queue.' },
      { speaker: 'agent', text: 'Thank you for calling Skyward Air, {agent} here.' },
      { speaker: 'customer', text: 'Hi, the miles from {flight} last week never showed up on my SkyMiles account.' },
      { speaker: 'agent', text: 'I can add them manually. Could you confirm the booking reference?' },
      { speaker: 'customer', text: "Sure, it's {ref}." },
      { speaker: 'agent', text: 'Done, you should see them within a day.', optional: true },
      { speaker: 'customer', text: "Perfect, that's all I needed. Thank you!", optional: true },
      { speaker: 'system', text: 'Call ended.', optional: true },
    ],
  },
  {
    id: 'call-after-email',
    lang: 'en',
    tone: 'neutral',
    queue: 'Customer Care',
    turns: [
      { speaker: 'system', text: 'Call connected to the Customer Care queue.' },
      { speaker: 'agent', text: 'Skyward Air, {agent} speaking, how can I help?' },
      {
        speaker: 'customer',
        text: "Hi, I emailed you a few days ago about booking {ref} and haven't heard anything back.",
      },
      { speaker: 'agent', text: 'Sorry for the silence. Let me find your email… yes, I have it here.' },
      { speaker: 'customer', text: "It's about the damaged suitcase from {flight}.", optional: true },
      { speaker: 'agent', text: "I'll approve the repair voucher now and reply to your email with the details." },
      { speaker: 'customer', text: "Thank you, that's a relief." },
    ],
  },
  {
    id: 'call-es',
    lang: 'es',
    tone: 'angry',
    queue: 'Equipaje',
    turns: [
      { speaker: 'agent', text: 'Skyward Air, buenos días, le atiende {agent}. ¿En qué puedo ayudarle con su viaje?' },
      {
        speaker: 'customer',
        text: 'Hola, mi maleta {colour} no llegó en el vuelo {flight} desde {from} y nadie me dice dónde está.',
      },
      { speaker: 'agent', text: 'Lo siento mucho. ¿Me puede dar el localizador de la reserva, por favor?' },
      { speaker: 'customer', text: 'Sí, es {ref}. Ya llevo {days} días esperando y es la tercera vez que llamo.' },
      {
        speaker: 'agent',
        text: 'Gracias. La maleta está en {city} y se la enviaremos a su domicilio mañana por la mañana.',
        optional: true,
      },
      {
        speaker: 'customer',
        text: 'Vale, pero necesito que me llamen antes de entregarla, por favor.',
        optional: true,
      },
      { speaker: 'agent', text: 'Por supuesto, lo dejo anotado en el expediente. ¿Algo más?' },
      { speaker: 'customer', text: 'No, gracias, es usted muy amable.' },
      { speaker: 'system', text: 'Llamada finalizada.', optional: true },
    ],
  },
  {
    id: 'call-fr',
    lang: 'fr',
    tone: 'angry',
    queue: 'Remboursements',
    turns: [
      { speaker: 'agent', text: 'Skyward Air, bonjour, je suis {agent}. Comment puis-je vous aider aujourd’hui ?' },
      {
        speaker: 'customer',
        text: "Bonjour, mon vol {flight} pour {to} a été annulé et je n'ai toujours pas reçu mon remboursement de {amount}.",
      },
      {
        speaker: 'agent',
        text: 'Je suis désolé pour ce retard. Pouvez-vous me donner votre référence de réservation ?',
      },
      { speaker: 'customer', text: "Oui, c'est {ref}. J'ai déjà appelé deux fois pour la même chose." },
      {
        speaker: 'agent',
        text: 'Merci. Je vois que le remboursement est bloqué, je le relance en priorité.',
        optional: true,
      },
      { speaker: 'customer', text: 'Et combien de temps ça va prendre, cette fois ?', optional: true },
      {
        speaker: 'agent',
        text: 'Vous devriez le recevoir sous sept jours ouvrés. Je vous envoie une confirmation par e-mail.',
      },
      { speaker: 'customer', text: "D'accord, merci beaucoup pour votre aide." },
      { speaker: 'system', text: 'Appel terminé.', optional: true },
    ],
  },
  {
    id: 'call-de',
    lang: 'de',
    tone: 'neutral',
    queue: 'Umbuchungen',
    turns: [
      { speaker: 'agent', text: 'Skyward Air, guten Tag, mein Name ist {agent}. Wie kann ich Ihnen heute helfen?' },
      {
        speaker: 'customer',
        text: 'Guten Tag, mein Flug {flight} nach {to} wurde gestrichen und ich muss morgen unbedingt dort sein.',
      },
      { speaker: 'agent', text: 'Das tut mir leid. Wie lautet Ihr Buchungscode, bitte?' },
      { speaker: 'customer', text: 'Der Code ist {ref}, ich habe ihn hier in der Bestätigung.' },
      {
        speaker: 'agent',
        text: 'Danke. Ich kann Sie morgen früh über {city} umbuchen, ist das in Ordnung?',
        optional: true,
      },
      { speaker: 'customer', text: 'Ja, das passt. Bekomme ich die neue Bordkarte per E-Mail?', optional: true },
      { speaker: 'agent', text: 'Ja, die schicke ich Ihnen sofort. Gibt es sonst noch etwas?' },
      { speaker: 'customer', text: 'Nein, vielen Dank für die schnelle Hilfe.' },
      { speaker: 'system', text: 'Anruf beendet.', optional: true },
    ],
  },
];

/** What a customer adds to a DM so the agent can find them elsewhere: identity-link evidence. */
const EMAIL_MENTIONS: Record<Lang, readonly string[]> = {
  en: [
    'My email is {email} if that helps.',
    'You can also reach me at {email}.',
    'I already emailed you from {email} but nobody answered.',
  ],
  es: ['Mi correo es {email}, por si os sirve.'],
  fr: ['Mon adresse e-mail est {email} si besoin.'],
  de: ['Meine E-Mail-Adresse ist {email}, falls das hilft.'],
};
const PHONE_MENTIONS: Record<Lang, readonly string[]> = {
  en: ['You can call me on {phoneWritten}.', 'I called from {phoneWritten} yesterday, same issue.'],
  es: ['Mi teléfono es {phoneWritten}.'],
  fr: ['Vous pouvez me joindre au {phoneWritten}.'],
  de: ['Sie erreichen mich unter {phoneWritten}.'],
};

/** Every template id, for tests and for anyone curious how varied the traffic is. */
export const TEMPLATE_IDS: readonly string[] = [
  ...X_POSTS,
  ...VIRAL_POSTS,
  ...VIRAL_REPLIES,
  ...VIRAL_UPDATES,
  ...SPIKE_POSTS,
  ...SPIKE_FACEBOOK,
  ...COMPETITOR_POSTS,
  ...X_DMS,
  ...DM_AFTER_PUBLIC,
  ...MESSENGER,
  ...FACEBOOK_POSTS,
  ...FACEBOOK_COMMENTS,
  ...EMAILS,
  ...EMAIL_FOLLOW_UPS,
  ...CHATS,
  ...CALLS,
].map((t) => t.id);

// ---------------------------------------------------------------------------------------------
// People

interface Person {
  lang: Lang;
  first: string;
  fullName: string;
  xHandle: string;
  xName: string;
  xUserId: string;
  followers: number;
}

interface Customer extends Person {
  index: number;
  facebookId: string;
  email: string;
  phone: string;
  phoneWritten: string;
  visitorId: string;
  currency: '$' | '£' | '€';
  /** Whether they have written from their email / called from their phone, i.e. the backend knows it. */
  emailed: boolean;
  called: boolean;
}

type Slots = Record<string, string>;

type Follow = { due: number; make: (now: Date) => InteractionInput[] };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** "Lucía O'Brien" → "luciaobrien": what people type into handles and addresses. */
const ascii = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();

export function createTrafficGenerator(seed: number, options: TrafficOptions = {}): TrafficGenerator {
  const rng = new Rng(mulberry32(seed));
  // Part of every provider id and thread key, so two runs with different seeds never collide in a
  // database that outlives them.
  const salt = pad(Math.floor(mulberry32(seed ^ 0x5bd1e995)() * 1_000_000), 6);
  const poolSize = Math.max(1, Math.floor(options.customers ?? 300));

  let serial = 0;
  let eventIndex = 0;
  const pending: Follow[] = [];
  const usedHandles = new Set<string>([BRAND.xHandle.slice(1)]);
  const usedEmails = new Set<string>();
  const usedPhones = new Set<string>();
  /** The thread of the latest viral post, which spike posts sometimes pile onto. */
  let viralThread: { id: string; author: string } | null = null;

  const nextSerial = (): number => ++serial;
  const tweetId = (): string => `17${salt}${pad(nextSerial(), 11)}`;
  const iso = (now: Date, secondsAgo = 0): string => new Date(now.getTime() - secondsAgo * 1000).toISOString();

  function uniqueHandle(base: string): string {
    let handle = base.slice(0, 15) || 'traveller';
    for (let n = 2; usedHandles.has(handle); n++) handle = `${base.slice(0, 15 - String(n).length)}${n}`;
    usedHandles.add(handle);
    return handle;
  }

  function makeHandle(first: string, last: string): string {
    const f = ascii(first);
    const l = ascii(last);
    const base = rng.pick([
      `${f}${l}`,
      `${f}_${l}`,
      `${f}${l[0] ?? ''}${rng.int(1, 99)}`,
      `${f}travels`,
      `the${l}`,
      `${l}${f[0] ?? ''}`,
      `${f}.on.the.go`.replace(/\./g, '_'),
      `${f}${rng.int(1970, 2005)}`,
    ]);
    return uniqueHandle(base);
  }

  /** A pool customer gets a handle of their own; a passer-by one made unique by a serial, not remembered. */
  function makePerson(lang: Lang, big = false, passerBy = false): Person {
    const names = NAMES[lang];
    const first = rng.pick(names.first);
    const last = rng.pick(names.last);
    const fullName = `${first} ${last}`;
    const xHandle = passerBy
      ? `${ascii(first)}${ascii(last).slice(0, 4)}_${nextSerial().toString(36)}`.slice(0, 15)
      : makeHandle(first, last);
    const followers = big ? rng.logInt(10_000, 2_000_000) : rng.logInt(8, 4_000);
    const xName = rng.chance(0.6) ? fullName : rng.pick([first, `${first} ✈️`, `${first} ${last[0] ?? ''}.`, xHandle]);
    return { lang, first, fullName, xHandle, xName, xUserId: `8${salt}${pad(nextSerial(), 9)}`, followers };
  }

  function makePhone(lang: Lang, index: number): { phone: string; written: string } {
    for (let attempt = 0; attempt < 20; attempt++) {
      let digits: string;
      let written: string;
      if (lang === 'en' && rng.chance(0.7)) {
        // North American 555-01xx numbers are reserved for fiction.
        const area = rng.pick(['212', '312', '415', '617', '206', '512', '303', '404', '305', '503']);
        const line = `01${pad(rng.int(0, 99), 2)}`;
        digits = `1${area}555${line}`;
        written = rng.chance(0.5) ? `+1 ${area}-555-${line}` : `+1 (${area}) 555-${line}`;
      } else if (lang === 'en') {
        // UK 07700 900xxx is reserved for drama.
        const tail = pad(rng.int(0, 999), 3);
        digits = `447700900${tail}`;
        written = `+44 7700 900${tail}`;
      } else if (lang === 'es') {
        const a = rng.int(600, 699);
        const b = pad(rng.int(0, 999), 3);
        const c = pad(rng.int(0, 999), 3);
        digits = `34${a}${b}${c}`;
        written = `+34 ${a} ${b} ${c}`;
      } else if (lang === 'fr') {
        const parts = [
          rng.pick(['6', '7']),
          pad(rng.int(0, 99), 2),
          pad(rng.int(0, 99), 2),
          pad(rng.int(0, 99), 2),
          pad(rng.int(0, 99), 2),
        ];
        digits = `33${parts.join('')}`;
        written = `+33 ${parts.join(' ')}`;
      } else {
        const prefix = rng.pick(['151', '160', '170', '176']);
        const a = pad(rng.int(0, 9999), 4);
        const b = pad(rng.int(0, 9999), 4);
        digits = `49${prefix}${a}${b}`;
        written = `+49 ${prefix} ${a} ${b}`;
      }
      const phone = `+${digits}`;
      if (!usedPhones.has(phone)) {
        usedPhones.add(phone);
        return { phone, written };
      }
    }
    // A pool bigger than the fictional ranges: numbers unique by the customer's index.
    const area = 200 + (index % 800);
    const line = pad(Math.floor(index / 800) % 10_000, 4);
    usedPhones.add(`+1${area}555${line}`);
    return { phone: `+1${area}555${line}`, written: `+1 ${area}-555-${line}` };
  }

  function makeCustomer(index: number): Customer {
    const lang = rng.weighted<Lang>([
      ['en', 76],
      ['es', 9],
      ['fr', 8],
      ['de', 7],
    ]);
    const person = makePerson(lang, rng.chance(0.08));
    const [first = '', ...rest] = person.fullName.split(' ');
    const f = ascii(first);
    const l = ascii(rest.join(''));
    let local = rng.pick([`${f}.${l}`, `${f}${l}`, `${f[0] ?? ''}${l}`, `${f}_${l}${rng.int(1, 99)}`, `${l}.${f}`]);
    const domain = rng.pick(EMAIL_DOMAINS);
    for (let n = 2; usedEmails.has(`${local}@${domain}`); n++) local = `${local}${n}`;
    const email = `${local}@${domain}`;
    usedEmails.add(email);
    const { phone, written } = makePhone(lang, index);
    return {
      ...person,
      index,
      facebookId: `10${salt}${pad(index, 7)}`,
      email,
      phone,
      phoneWritten: written,
      visitorId: `v_${salt}${index.toString(36).padStart(4, '0')}${rng.code(4, HEX)}`,
      currency: lang === 'en' ? rng.pick(['$', '$', '£'] as const) : '€',
      emailed: false,
      called: false,
    };
  }

  const customers: Customer[] = [];
  for (let i = 0; i < poolSize; i++) customers.push(makeCustomer(i));

  function slots(lang: Lang, person: Person, customer?: Customer): Slots {
    const [from, to, via] = [rng.pick(CITIES), rng.pick(CITIES), rng.pick(CITIES)];
    const currency = customer?.currency ?? (lang === 'en' ? '$' : '€');
    const value = rng.int(45, 1450);
    const amount = currency === '€' ? `${value} €` : `${currency}${value}`;
    const day = rng.int(1, 28);
    const month = rng.pick(MONTHS[lang]);
    const date =
      lang === 'en'
        ? `${day} ${month}`
        : lang === 'de'
          ? `${day}. ${month}`
          : lang === 'es'
            ? `${day} de ${month}`
            : `${day} ${month}`;
    return {
      brand: BRAND.xHandle,
      flight: `SK${rng.int(100, 9899)}`,
      from: from.name,
      to: to === from ? (via === from ? 'Dublin' : via.name) : to.name,
      city: via.name,
      colour: rng.pick(COLOURS[lang]),
      ref: rng.code(6, REF_ALPHABET),
      fileRef: `${from.code}SK${pad(rng.int(0, 99999), 5)}`,
      amount,
      hours: String(rng.int(2, 14)),
      days: String(rng.int(2, 21)),
      weeks: String(rng.int(2, 12)),
      waitMinutes: String(rng.int(18, 75)),
      date,
      instrument: rng.pick(INSTRUMENTS),
      agent: rng.pick(AGENTS),
      company: rng.pick(COMPANIES),
      month: rng.pick(MONTHS[lang]),
      first: person.first,
      fullName: person.fullName,
      handle: person.xHandle,
      otherHandle: viralThread?.author ?? rng.pick(INFLUENCERS).handle,
      email: customer?.email ?? '',
      phoneWritten: customer?.phoneWritten ?? '',
    };
  }

  function fill(text: string, values: Slots): string {
    return text.replace(/\{(\w+)\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`traffic template slot {${key}} has no value`);
      return value;
    });
  }

  /** A template in the customer's language when there is one (most of the time), else in English. */
  function pickTemplate<T extends { lang: Lang }>(templates: readonly T[], lang: Lang): T {
    const own = templates.filter((t) => t.lang === lang);
    if (own.length > 0 && (lang === 'en' || rng.chance(0.85))) return rng.pick(own);
    return rng.pick(templates.filter((t) => t.lang === 'en'));
  }

  function pickCustomer(): Customer {
    return rng.pick(customers);
  }

  function schedule(inEvents: number, make: Follow['make']): void {
    const due = eventIndex + Math.max(1, inEvents);
    let at = pending.length;
    while (at > 0 && pending[at - 1]!.due > due) at--;
    pending.splice(at, 0, { due, make });
  }

  const xAuthor = (p: Person): InteractionInput['author'] => ({
    kind: 'x_handle',
    value: p.xHandle,
    displayName: p.xName,
    followers: p.followers,
  });

  // ---- channels -------------------------------------------------------------------------------

  function publicPost(
    now: Date,
    person: Person,
    template: TextTemplate,
    values: Slots,
    extra: Record<string, string | number | boolean> = {},
  ): InteractionInput {
    const id = tweetId();
    return {
      provider: 'x',
      providerMessageId: id,
      channel: 'x_public',
      threadKey: id,
      kind: 'message',
      author: xAuthor(person),
      text: fill(template.text, values),
      occurredAt: iso(now),
      meta: { template: template.id, tone: template.tone, ...extra },
    };
  }

  const REPLY_ENDINGS = [
    '',
    '',
    '',
    ' 😡',
    ' 👀',
    ' Unreal.',
    ' Shameful.',
    ' 🤦',
    ' #skywardair',
    ' Every. Single. Time.',
  ];

  /** A reply on someone's thread: X puts their handle first; people add their own flourish. */
  function reply(
    now: Date,
    thread: { id: string; author: string },
    person: Person,
    template: TextTemplate,
    values: Slots,
    secondsAgo = 0,
  ): InteractionInput {
    const addressee = thread.author === person.xHandle ? '' : `@${thread.author} `;
    const ending = thread.author === person.xHandle ? '' : rng.pick(REPLY_ENDINGS);
    return {
      provider: 'x',
      providerMessageId: tweetId(),
      channel: 'x_public',
      threadKey: thread.id,
      kind: 'message',
      author: xAuthor(person),
      text: `${addressee}${fill(template.text, values)}${ending}`,
      occurredAt: iso(now, secondsAgo),
      meta: { template: template.id, tone: template.tone, inReplyTo: thread.id },
    };
  }

  function xPost(now: Date): InteractionInput[] {
    const c = pickCustomer();
    const template = pickTemplate(X_POSTS, c.lang);
    const values = slots(template.lang, c, c);
    const post = publicPost(now, c, template, values);
    if (template.tone !== 'thankful' && rng.chance(0.4)) {
      // "DM us your booking reference": the same person moves to a private channel.
      schedule(rng.int(2, 12), (later) => {
        const dm = c.lang === 'en' || template.lang === 'en' ? rng.pick(DM_AFTER_PUBLIC) : pickTemplate(X_DMS, c.lang);
        return [directMessage(later, c, dm, values)];
      });
    }
    return [post];
  }

  function viral(now: Date): InteractionInput[] {
    const candidates = customers.filter((c) => c.followers >= 10_000);
    const influencer = rng.pick(INFLUENCERS);
    const author: Person =
      candidates.length > 0 && rng.chance(0.5)
        ? rng.pick(candidates)
        : {
            lang: 'en',
            first: influencer.name.split(' ')[0] ?? influencer.name,
            fullName: influencer.name,
            xHandle: influencer.handle,
            xName: influencer.name,
            xUserId: `7${salt}${pad(nextSerial(), 9)}`,
            followers: influencer.followers,
          };
    const template = rng.pick(VIRAL_POSTS);
    const values = slots('en', author);
    const post = publicPost(now, author, template, values, { viral: true });
    const thread = { id: post.threadKey, author: author.xHandle };
    viralThread = thread;
    // The pile-on: other people reply on the same thread over the next events.
    const replies = rng.int(10, 30);
    for (let i = 0; i < replies; i++) {
      schedule(rng.int(1, 30), (later) => {
        const replier = makePerson(rng.chance(0.9) ? 'en' : 'es', rng.chance(0.05), true);
        const t = pickTemplate(VIRAL_REPLIES, replier.lang);
        return [reply(later, thread, replier, t, slots(t.lang, replier), rng.int(0, 50))];
      });
    }
    schedule(rng.int(15, 40), (later) => [reply(later, thread, author, rng.pick(VIRAL_UPDATES), slots('en', author))]);
    return [post];
  }

  function competitor(now: Date): InteractionInput[] {
    const c = pickCustomer();
    const template = rng.pick(COMPETITOR_POSTS);
    return [publicPost(now, c, template, slots('en', c, c))];
  }

  /** Appends "my email is …" / "call me on …" when the customer has used that identity elsewhere. */
  function withContact(base: string, c: Customer, lang: Lang): { text: string; mention: string | null } {
    const text = /[.!?]$/u.test(base) ? base : `${base}.`;
    if (c.emailed && rng.chance(0.5)) {
      return { text: `${text} ${fill(rng.pick(EMAIL_MENTIONS[lang]), slots(lang, c, c))}`, mention: 'email' };
    }
    if (c.called && rng.chance(0.35)) {
      return { text: `${text} ${fill(rng.pick(PHONE_MENTIONS[lang]), slots(lang, c, c))}`, mention: 'phone' };
    }
    if (rng.chance(0.05))
      return { text: `${text} ${fill(rng.pick(EMAIL_MENTIONS[lang]), slots(lang, c, c))}`, mention: 'email' };
    return { text: base, mention: null };
  }

  function directMessage(now: Date, c: Customer, template: TextTemplate, values?: Slots): InteractionInput {
    const base = fill(template.text, values ?? slots(template.lang, c, c));
    const { text, mention } = withContact(base, c, template.lang);
    return {
      provider: 'x',
      providerMessageId: `dm${salt}${pad(nextSerial(), 12)}`,
      channel: 'x_dm',
      // X keeps one DM conversation per pair of accounts.
      threadKey: `${BRAND.xUserId}-${c.xUserId}`,
      kind: 'message',
      author: { kind: 'x_handle', value: c.xHandle, displayName: c.xName },
      text,
      occurredAt: iso(now),
      meta: { template: template.id, tone: template.tone, ...(mention ? { mentions: mention } : {}) },
    };
  }

  function xDm(now: Date): InteractionInput[] {
    const c = pickCustomer();
    return [directMessage(now, c, pickTemplate(X_DMS, c.lang))];
  }

  function messenger(now: Date, c: Customer = pickCustomer()): InteractionInput[] {
    const template = pickTemplate(rng.chance(0.7) ? MESSENGER : X_DMS, c.lang);
    const base = fill(template.text, slots(template.lang, c, c));
    const { text, mention } = withContact(base, c, template.lang);
    return [
      {
        provider: 'messenger',
        providerMessageId: `m_${salt}${pad(nextSerial(), 12)}${rng.code(6, HEX)}`,
        channel: 'messenger',
        threadKey: `t_${BRAND.facebookPageId}_${c.facebookId}`,
        kind: 'message',
        author: { kind: 'facebook_id', value: c.facebookId, displayName: c.fullName },
        text,
        occurredAt: iso(now),
        meta: { template: template.id, tone: template.tone, ...(mention ? { mentions: mention } : {}) },
      },
    ];
  }

  function facebook(now: Date): InteractionInput[] {
    const c = pickCustomer();
    const onBrandPost = rng.chance(0.4);
    const template = onBrandPost ? rng.pick(FACEBOOK_COMMENTS) : pickTemplate(FACEBOOK_POSTS, c.lang);
    const id = `${BRAND.facebookPageId}_${salt}${pad(nextSerial(), 9)}`;
    const brandPost = rng.pick(BRAND_POSTS);
    const out: InteractionInput[] = [
      {
        provider: 'facebook',
        providerMessageId: id,
        channel: 'facebook',
        // A visitor post is its own thread; a comment under our post is threaded by that comment.
        threadKey: onBrandPost ? `${brandPost.id}_${id}` : id,
        kind: 'message',
        author: { kind: 'facebook_id', value: c.facebookId, displayName: c.fullName },
        text: fill(template.text, slots(template.lang, c, c)),
        occurredAt: iso(now),
        meta: {
          template: template.id,
          tone: template.tone,
          item: onBrandPost ? 'comment' : 'visitor_post',
          ...(onBrandPost ? { postId: brandPost.id, postTitle: brandPost.title } : {}),
        },
      },
    ];
    if (template.tone === 'angry' && rng.chance(0.3)) schedule(rng.int(2, 10), (later) => messenger(later, c));
    return out;
  }

  function emailMessageId(c: Customer): string {
    const domain = c.email.split('@')[1] ?? 'example.com';
    return `<${salt}.${pad(nextSerial(), 10)}.${rng.code(8, HEX)}@${domain}>`;
  }

  function email(now: Date, c: Customer = pickCustomer()): InteractionInput[] {
    const template = pickTemplate(EMAILS, c.lang);
    const values = slots(template.lang, c, c);
    const messageId = emailMessageId(c);
    const subject = fill(template.subject, values);
    c.emailed = true;
    if (template.tone !== 'thankful' && rng.chance(0.45)) {
      schedule(rng.int(3, 25), (later) => {
        const followUp = pickTemplate(EMAIL_FOLLOW_UPS, template.lang);
        return [
          {
            provider: 'email',
            providerMessageId: emailMessageId(c),
            channel: 'email',
            threadKey: messageId,
            kind: 'message',
            author: { kind: 'email', value: c.email, displayName: c.fullName },
            subject: `Re: ${subject}`,
            text: fill(followUp.text, { ...values, days: String(rng.int(2, 9)) }),
            occurredAt: iso(later),
            meta: { template: followUp.id, tone: followUp.tone, inReplyTo: messageId, to: BRAND.supportEmail },
          },
        ];
      });
    }
    if (rng.chance(0.15)) schedule(rng.int(5, 30), (later) => call(later, c, true));
    return [
      {
        provider: 'email',
        providerMessageId: messageId,
        channel: 'email',
        threadKey: messageId,
        kind: 'message',
        author: { kind: 'email', value: c.email, displayName: c.fullName },
        subject,
        text: fill(template.text, values),
        occurredAt: iso(now),
        meta: { template: template.id, tone: template.tone, to: BRAND.supportEmail },
      },
    ];
  }

  function call(now: Date, c: Customer = pickCustomer(), afterEmail = false): InteractionInput[] {
    const template =
      afterEmail && c.lang === 'en'
        ? CALLS.find((t) => t.id === 'call-after-email')!
        : pickTemplate(
            CALLS.filter((t) => t.id !== 'call-after-email'),
            c.lang,
          );
    const values = slots(template.lang, c, c);
    const turns = template.turns.filter((t) => !t.optional || rng.chance(0.6));
    // 4–10 speaker turns: drop optional turns from the end first.
    for (let i = turns.length - 1; turns.length > 10 && i >= 0; i--) if (turns[i]!.optional) turns.splice(i, 1);
    turns.splice(10);
    const callId = `call-${salt}-${pad(nextSerial(), 9)}`;
    const gaps = turns.map(() => rng.int(4, 40));
    let secondsAgo = gaps.reduce((sum, g) => sum + g, 0);
    c.called = true;
    return turns.map((turn, segment) => {
      secondsAgo -= gaps[segment]!;
      return {
        provider: 'cti',
        providerMessageId: `${callId}:${segment}`,
        channel: 'voice',
        threadKey: callId,
        kind: 'transcript',
        author: { kind: 'phone', value: c.phone, ...(rng.chance(0.5) ? { displayName: c.fullName } : {}) },
        text: fill(turn.text, values),
        speaker: turn.speaker,
        occurredAt: iso(now, secondsAgo),
        meta: { template: template.id, tone: template.tone, segment, queue: template.queue },
      };
    });
  }

  function chat(now: Date): InteractionInput[] {
    const c = pickCustomer();
    const template = pickTemplate(CHATS, c.lang);
    const values = slots(template.lang, c, c);
    const count = rng.int(Math.min(2, template.lines.length), template.lines.length);
    const sessionId = `chat-${salt}-${pad(nextSerial(), 9)}`;
    const named = rng.chance(0.6);
    let secondsAgo = count * 25;
    if (rng.chance(0.12)) schedule(rng.int(4, 20), (later) => email(later, c));
    return template.lines.slice(0, count).map((line, i) => {
      secondsAgo -= rng.int(5, 25);
      return {
        provider: 'chat',
        providerMessageId: `${sessionId}:${i}`,
        channel: 'chat',
        threadKey: sessionId,
        kind: 'message',
        author: { kind: 'chat_visitor', value: c.visitorId, ...(named ? { displayName: c.fullName } : {}) },
        text: fill(line, values),
        occurredAt: iso(now, Math.max(0, secondsAgo)),
        meta: {
          template: template.id,
          tone: template.tone,
          page: rng.pick(['/manage-booking', '/check-in', '/baggage', '/help']),
        },
      };
    });
  }

  type Kind = 'x' | 'viral' | 'competitor' | 'x_dm' | 'facebook' | 'messenger' | 'email' | 'voice' | 'chat';
  const MIX: readonly (readonly [Kind, number])[] = [
    ['x', 20],
    ['viral', 0.7],
    ['competitor', 1.5],
    ['x_dm', 10],
    ['facebook', 11],
    ['messenger', 9],
    ['email', 15],
    ['voice', 13],
    ['chat', 13],
  ];

  function fresh(now: Date): InteractionInput[] {
    switch (rng.weighted(MIX)) {
      case 'x':
        return xPost(now);
      case 'viral':
        return viral(now);
      case 'competitor':
        return competitor(now);
      case 'x_dm':
        return xDm(now);
      case 'facebook':
        return facebook(now);
      case 'messenger':
        return messenger(now);
      case 'email':
        return email(now);
      case 'voice':
        return call(now);
      case 'chat':
        return chat(now);
    }
  }

  const stamp = (items: InteractionInput[], extra: Record<string, string | number | boolean>): InteractionInput[] =>
    items.map((item) => ({ ...item, meta: { ...item.meta, simulated: true, event: eventIndex, ...extra } }));

  return {
    next(now: Date): InteractionInput[] {
      eventIndex++;
      const out: InteractionInput[] = [];
      while (pending.length > 0 && pending[0]!.due <= eventIndex) out.push(...pending.shift()!.make(now));
      out.push(...fresh(now));
      return stamp(out, {});
    },

    spike(now: Date): InteractionInput[] {
      eventIndex++;
      const out: InteractionInput[] = [];
      // Big enough to stand out from a busy hour of the rule's ordinary matches (about 25 an hour).
      const count = rng.int(40, 70);
      for (let i = 0; i < count; i++) {
        const person: Person = rng.chance(0.3) ? pickCustomer() : makePerson('en', rng.chance(0.1), true);
        const secondsAgo = rng.int(0, 90);
        if (rng.chance(0.15)) {
          const c = pickCustomer();
          const template = rng.pick(SPIKE_FACEBOOK);
          const id = `${BRAND.facebookPageId}_${salt}${pad(nextSerial(), 9)}`;
          out.push({
            provider: 'facebook',
            providerMessageId: id,
            channel: 'facebook',
            threadKey: id,
            kind: 'message',
            author: { kind: 'facebook_id', value: c.facebookId, displayName: c.fullName },
            text: fill(template.text, slots('en', c, c)),
            occurredAt: iso(now, secondsAgo),
            meta: { template: template.id, tone: template.tone, item: 'visitor_post' },
          });
        } else if (viralThread && rng.chance(0.25)) {
          out.push(reply(now, viralThread, person, rng.pick(SPIKE_POSTS), slots('en', person), secondsAgo));
        } else {
          const post = publicPost(now, person, rng.pick(SPIKE_POSTS), slots('en', person));
          out.push({ ...post, occurredAt: iso(now, secondsAgo) });
        }
      }
      out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      return stamp(out, { spike: true });
    },
  };
}
