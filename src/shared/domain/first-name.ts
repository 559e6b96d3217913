/**
 * The greeting name of a lead ("Hi {{FirstName}}") from whatever a list, CRM or Clay column holds.
 * Most Drason leads are in India, so the rules follow Indian naming practice rather than assuming
 * "Given Surname":
 *
 * - South Indian initials: "K. Ramachandran" → Ramachandran. In Tamil and Telugu practice the initials
 *   stand for the father's given name or the family village, and the one written-out word is the
 *   person's own name. North Indians also abbreviate given names ("M.S. Dhoni", where Dhoni is the
 *   surname), which the parser cannot tell apart, so initials-plus-one-word gets 0.75, not 0.9, and
 *   initials before a known surname ("R. Sharma") get 0.2.
 * - Md / Mohd / Mohammed: in South Asia (Bangladesh, much of North India) "Md." is a devotional prefix
 *   before the name by which the man is called: "Md. Imran Khan" is greeted "Imran". We skip it when a
 *   plain given-name word follows, at 0.7 rather than 0.9 because some men do go by Mohammed. Followed
 *   only by a surname, "Mohammed" is kept (0.55); a bare abbreviation "Md" is never a greeting.
 *   "Syed", "Shaikh" and "Mirza" lead a name as lineage titles and are skipped the same way.
 * - Theophoric compounds: "Abdul" means "servant of the …" and is not used alone in Arabic naming,
 *   so "Abdul Rahman" stays whole; "A P J Abdul Kalam" → "Abdul Kalam" (0.55: initials plus a two-word
 *   compound). Telugu double names led by Sai, Venkata or Naga ("Sai Krishna", "Venkata Ramana") stay
 *   whole too: greeting someone by their full given name is never rude; half of it can be.
 * - A lone surname ("Sharma", "Mr. Sharma") is returned with confidence 0.2 rather than null: the caller
 *   sees what was there, and the confidence keeps it out of a greeting. firstName is null only when no
 *   candidate exists at all: empty, junk, placeholders, emails, only initials or only an honorific.
 * - Non-Latin scripts (Devanagari, Tamil, …) are kept as written, never transliterated, at 0.6.
 *
 * Input is capped at MAX_NAME_INPUT characters before any work, so a pasted paragraph costs the same
 * as a name; no regular expression here can backtrack (each is a single-character class test).
 */

import { DEFAULT_TEXT_MAX, stripInvisible } from './sanitise'

export interface FirstNameResult {
  /** The natural greeting name in Title Case, or null when none can be found. */
  firstName: string | null
  /** 0..1. How sure the parser is that `firstName` is how this person is greeted. */
  confidence: number
  /** A short human-readable reason, e.g. 'given name first; after honorific "Dr"', 'only initials'. */
  reason: string
}

/**
 * Below this a template uses its fallback ("Hi there"). Callers compare against a setting whose default
 * equals this; no rule below returns exactly 0.5, so the comparison operator never decides a case.
 */
export const LOW_CONFIDENCE = 0.5

/**
 * Code points read from the input: the intake cap for any free-text field. Real names are well under 100
 * characters, so this leaves room for titles and suffixes while bounding the work on a pasted paragraph.
 */
export const MAX_NAME_INPUT = DEFAULT_TEXT_MAX

/** Honorific prefixes, matched at the start of a name only, with or without dots, in any case, stacked. */
export const HONORIFICS = {
  /** English courtesy titles: the usual prefix in CRM and LinkedIn exports. */
  courtesy: ['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Mister', 'Master', 'Sir', 'Dame', 'Madam'],
  /** Indian courtesy titles and their abbreviations, common on government, school and bank records. */
  indian: ['Shri', 'Sri', 'Shree', 'Sree', 'Sh', 'Shrimati', 'Srimati', 'Smt', 'Sushri', 'Kumari', 'Kum', 'Km', 'Ku'],
  /** Regional and community titles: Tamil (Thiru, Thirumathi, Selvi), Urdu (Janab, Begum), Sikh (Sardar), musicians (Pandit, Ustad). */
  regional: [
    'Thiru',
    'Thirumathi',
    'Tmt',
    'Selvi',
    'Janab',
    'Begum',
    'Sardar',
    'Sardarni',
    'Pandit',
    'Pt',
    'Ustad',
    'Haji',
    'Hafiz',
    'Maulana',
    'Mufti',
  ],
  /** Professional titles written before the name on Indian letterheads: Er (engineer), Adv (advocate), CA, CS, Ar (architect). */
  professional: ['Dr', 'Doctor', 'Prof', 'Professor', 'Er', 'Engr', 'Adv', 'Advocate', 'CA', 'CS', 'Ar', 'Justice', 'Hon', "Hon'ble"],
  /** Armed forces ranks as the Indian services abbreviate them; "Retd" is stacked with a rank ("Col (Retd.)"). */
  military: [
    'Capt',
    'Captain',
    'Col',
    'Colonel',
    'Lt',
    'Lieutenant',
    'Lt Col',
    'Lt Gen',
    'Maj',
    'Major',
    'Maj Gen',
    'Gen',
    'General',
    'Brig',
    'Brigadier',
    'Cdr',
    'Cmdr',
    'Commander',
    'Cmde',
    'Commodore',
    'Adm',
    'Admiral',
    'Vice Admiral',
    'Rear Admiral',
    'Sqn Ldr',
    'Wg Cdr',
    'Gp Capt',
    'Flt Lt',
    'Air Cmde',
    'Air Marshal',
    'Air Vice Marshal',
    'Retd',
    'Retired',
  ],
  /** Religious titles. "Sr" at the start is Sister; at the end it is the Senior suffix (see SUFFIXES). */
  religious: ['Rev', 'Revd', 'Fr', 'Father', 'Sr', 'Sister', 'Br', 'Brother', 'Pastor', 'Swami', 'Sadhvi'],
  /** The same courtesy titles in Devanagari and Tamil script, for names written in those scripts. */
  nativeScript: ['श्री', 'श्रीमती', 'सुश्री', 'कुमारी', 'डॉ', 'डा', 'திரு', 'திருமதி', 'செல்வி'],
} as const

/** Suffixes, matched at the end of a name (or as a whole part after a comma: "Ramesh Iyer, PhD"). */
export const SUFFIXES = {
  /** Generational markers. "Sr" here is Senior; at the start of a name it is Sister (see HONORIFICS). */
  generational: ['Jr', 'Jnr', 'Junior', 'Sr', 'Snr', 'Senior', 'II', 'III', 'IV'],
  /** Degrees Indian professionals append, often after commas: "Priya Nair, MBBS, MD". */
  degrees: [
    'PhD',
    'DPhil',
    'MBBS',
    'MD',
    'MS',
    'DM',
    'MCh',
    'BDS',
    'MDS',
    'DNB',
    'FRCS',
    'MRCP',
    'MBA',
    'PGDM',
    'BBA',
    'BTech',
    'MTech',
    'BE',
    'ME',
    'BSc',
    'MSc',
    'BCom',
    'MCom',
    'BA',
    'MA',
    'BCA',
    'MCA',
    'LLB',
    'LLM',
    'BPharm',
    'MPharm',
  ],
  /** Professional qualifications: chartered and cost accountants, company secretaries, analysts. */
  professional: ['CA', 'FCA', 'ACA', 'CS', 'CMA', 'ICWA', 'CFA', 'CPA', 'ACCA', 'PMP', 'Esq'],
  /** Indian civil services, written after the name by serving and retired officers. */
  services: ['IAS', 'IPS', 'IFS', 'IRS', 'IES', 'Retd', 'Retired'],
  /** Armed forces decorations written after the name. */
  decorations: ['PVSM', 'AVSM', 'VSM'],
  /** Spoken respect words some lists keep after the name: "Sharma ji", "Ramesh garu" (Telugu), "Khan Sahab". */
  respect: ['Ji', 'Jee', 'Sahab', 'Saheb', 'Sahib', 'Garu', 'Avargal'],
} as const

/**
 * Family names common enough in Indian lead lists to recognise on sight, as lower-case keys without dots or
 * apostrophes ("dsouza" for D'Souza). Used for three things: a lone word that is a surname is not a
 * greeting; "Sharma Priya" (no comma) is surname-first; "Md Khan" has no given name after the prefix.
 * Words that are as often given names (Kumar, Prasad, Ali, Ahmed, Anand, Gautam, Roy, Thomas, Raju) are
 * deliberately left out: a miss here costs a lower confidence, a wrong entry would hide a real name.
 */
export const COMMON_SURNAMES: ReadonlySet<string> = new Set([
  // North and Central India.
  'sharma', 'verma', 'varma', 'gupta', 'agarwal', 'aggarwal', 'agrawal', 'goyal', 'goel', 'garg', 'bansal',
  'mittal', 'jindal', 'singhal', 'jain', 'saxena', 'srivastava', 'shrivastava', 'mathur', 'kapoor', 'kapur',
  'khanna', 'malhotra', 'mehra', 'chopra', 'arora', 'ahuja', 'bhatia', 'sethi', 'kohli', 'tandon', 'bhalla',
  'chadha', 'sinha', 'mishra', 'misra', 'tiwari', 'tripathi', 'pandey', 'dubey', 'dwivedi', 'chaturvedi',
  'upadhyay', 'shukla', 'awasthi', 'bajpai', 'dixit', 'pathak', 'yadav', 'thakur', 'chauhan', 'rathore',
  'tomar', 'bisht', 'negi', 'rawat', 'chaudhary', 'choudhary', 'chaudhry', 'bhardwaj', 'saini',
  // Punjab and Sikh family names (Singh and Kaur follow the given name).
  'singh', 'kaur', 'gill', 'sandhu', 'sidhu', 'dhillon', 'grewal', 'bajwa', 'brar', 'virk', 'bedi',
  'ahluwalia', 'chahal',
  // Gujarat and Maharashtra.
  'patel', 'shah', 'mehta', 'desai', 'parikh', 'modi', 'trivedi', 'bhatt', 'pandya', 'vyas', 'thakkar',
  'parmar', 'solanki', 'rathod', 'jadeja', 'gandhi', 'doshi', 'sanghvi', 'kothari', 'sheth', 'joshi',
  'kulkarni', 'deshpande', 'deshmukh', 'patil', 'pawar', 'jadhav', 'shinde', 'chavan', 'gaikwad', 'bhosale',
  'gokhale', 'sawant', 'kadam', 'naik',
  // East and North-East.
  'chatterjee', 'banerjee', 'mukherjee', 'bhattacharya', 'bhattacharjee', 'chakraborty', 'chakravarty',
  'ganguly', 'ghosh', 'bose', 'basu', 'dutta', 'sen', 'sengupta', 'dasgupta', 'mitra', 'sarkar', 'saha',
  'majumdar', 'mondal', 'mandal', 'biswas', 'chowdhury', 'das', 'mohanty', 'panda', 'sahoo', 'sahu',
  'mahapatra', 'patnaik', 'pattnaik', 'behera', 'jena', 'pradhan', 'bora', 'borah', 'baruah', 'gogoi',
  'kalita', 'hazarika', 'saikia',
  // South India.
  'iyer', 'iyengar', 'nair', 'menon', 'pillai', 'kurup', 'nambiar', 'panicker', 'reddy', 'naidu', 'rao',
  'chowdary', 'gowda', 'hegde', 'shetty', 'bhat', 'kamath', 'shenoy', 'chettiar', 'mudaliar', 'nadar',
  // Muslim family names.
  'khan', 'siddiqui', 'qureshi', 'ansari', 'pathan', 'rizvi', 'naqvi', 'zaidi', 'abbasi', 'farooqui',
  // Christian (Goan, Mangalorean, Kerala) family names.
  'dsouza', 'fernandes', 'fernandez', 'pereira', 'rodrigues', 'dcosta', 'gomes', 'pinto', 'dsilva',
  'menezes', 'noronha', 'mascarenhas',
])

/** Other words that change how a name is read; each group says why. Keys are lower case without dots. */
export const NAME_ELEMENTS = {
  /** Mohammed and its South Asian abbreviations: a devotional first element, skipped before the calling name. */
  devotional: ['md', 'mohd', 'mhd', 'mohammed', 'mohammad', 'muhammad', 'muhammed', 'mohamed', 'mohamad'],
  /** Abbreviations of Mohammed that are never a greeting on their own. */
  devotionalAbbreviations: ['md', 'mohd', 'mhd'],
  /** Lineage titles that lead a Muslim name ("Syed Ali Hussain" is Ali); only skipped at the start. */
  lineage: ['syed', 'sayed', 'sayyid', 'sayyed', 'saiyed', 'shaikh', 'sheikh', 'shaik', 'sk', 'mirza', 'khwaja', 'khawaja'],
  /** "Servant of …": the first half of a compound given name, never used alone. */
  theophoric: ['abdul', 'abdur', 'abdus', 'abdel', 'abd', 'ghulam'],
  /** Telugu double-name leads: "Sai Krishna", "Venkata Ramana", "Naga Chaitanya" are greeted whole. */
  doubleNameLeads: ['sai', 'venkata', 'naga'],
  /** Usually a middle name or surname ("Anil Kumar Singh" is Anil), sometimes a given name ("Kumar Mangalam"). */
  middle: ['kumar', 'kumari', 'devi', 'lal', 'chand', 'nath', 'bai', 'ben'],
  /** Surname particles: "De Souza, Priya" is still surname-first. */
  particles: ['de', 'da', 'di', 'del', 'della', 'van', 'von', 'der', 'la', 'le'],
} as const

/** Whole inputs or greeting words that mean "no name here": form defaults, role inboxes, test rows. */
export const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set([
  'na', 'nil', 'null', 'none', 'nan', 'undefined', 'unknown', 'test', 'testing', 'tester', 'tbd', 'tba',
  'xxx', 'xx', 'x', 'abc', 'abcd', 'asdf', 'qwerty', 'name', 'yourname', 'firstname', 'fullname', 'lastname',
  'noname', 'notavailable', 'notapplicable', 'notknown', 'anonymous', 'anon', 'customer', 'client', 'user',
  'lead', 'prospect', 'contact', 'member', 'guest', 'visitor', 'dummy', 'sample', 'demo', 'fake', 'example',
  'sir', 'madam', 'maam', 'sirmadam', 'dear', 'friend', 'hi', 'hello', 'team', 'info', 'sales', 'support',
  'admin', 'administrator', 'hr', 'office', 'accounts', 'account', 'marketing', 'enquiry', 'enquiries',
  'inquiry', 'careers', 'jobs', 'webmaster', 'noreply', 'nobody', 'someone', 'owner', 'manager', 'director',
  'ceo', 'founder', 'reception', 'help', 'mail', 'email',
])

/** Words that mark an organisation, not a person: "Acme Infotech Pvt Ltd" has no first name. */
export const COMPANY_WORDS: ReadonlySet<string> = new Set([
  'pvt', 'private', 'ltd', 'limited', 'llp', 'llc', 'inc', 'corp', 'corporation', 'company', 'technologies',
  'technology', 'solutions', 'services', 'enterprises', 'industries', 'infotech', 'consultants', 'consultancy',
  'consulting', 'associates', 'traders', 'exports', 'systems', 'software', 'labs', 'ventures', 'agency',
  'hospital', 'clinic', 'school', 'college', 'university', 'institute', 'bank', 'group', 'foundation', 'trust',
  'studio', 'studios', 'media', 'digital', 'global', 'india',
])

/**
 * Confidence per rule. The order matters more than the values: a clean "Given Surname" beats every
 * inference, anything built on a convention that has common exceptions sits between 0.55 and 0.75, and
 * anything that is probably not a greeting sits below LOW_CONFIDENCE so templates fall back.
 */
const CONFIDENCE = {
  /** A first-name column holding one clean word: the source already separated it. */
  firstNameField: 0.95,
  /** "Priya Sharma": by far the most common order in lead lists. */
  givenFirst: 0.9,
  /** "Sharma, Priya": the comma states the order. */
  surnameFirstComma: 0.85,
  /** "Ramesh K": trailing initials are a Tamil/Kannada habit and leave the name plain. */
  givenBeforeInitials: 0.85,
  /** A compound given name ("Sai Krishna Reddy") or the first-name column holding one ("Sai Krishna"). */
  compound: 0.75,
  compoundInField: 0.85,
  /** "Priya": many Indians use one name, but a lone word might also be a surname we do not know. */
  singleName: 0.8,
  /** "K. Ramachandran": right in the South, wrong for North Indian "M.S. Dhoni"-style initials. */
  givenAfterInitials: 0.75,
  /** "Dr. Priya": Indian usage pairs titles with given names, English usage with surnames. */
  singleAfterHonorific: 0.7,
  /** "Md. Imran Khan" → Imran: usual practice, though some men do go by Mohammed. */
  afterNamePrefix: 0.7,
  /** "Sai Krishna" with no surname: Krishna may be a surname. */
  compoundOfTwo: 0.65,
  /** "Sharma Priya": surname first without a comma, inferred from the surname list. */
  surnameFirstOrder: 0.6,
  /** "Priya, Sharma": a comma but the known surname is on the right. */
  givenBeforeCommaSurname: 0.6,
  /** "Kumar Mangalam Birla": a word that is more often a middle name leads. */
  middleWordFirst: 0.6,
  /** Names in other scripts: we cannot check them against any list. */
  nonLatinCap: 0.6,
  /** "Mohammed Khan", "Mohammed": the devotional element is all there is. */
  devotionalOnly: 0.55,
  /** "Abdul" alone or before a surname: half a name. */
  theophoricOnly: 0.45,
  /** "R. Kumar": a middle-name word after initials; in Tamil Nadu Kumar is often the given name. */
  middleAfterInitials: 0.45,
  /** "Priya & Rahul Sharma": a greeting for one person would leave the other out. */
  severalPeopleCap: 0.4,
  /** A lone surname in the first-name column: probably swapped columns. */
  surnameInField: 0.4,
  /** "Syed", "Syed Khan": only a lineage title is left. */
  lineageOnly: 0.35,
  /** "Kumar", "Devi" alone. */
  middleWordOnly: 0.35,
  /** "Selvi" alone is a Tamil honorific and a Tamil given name. */
  honorificAsName: 0.3,
  /** "Shah Rukh Khan": a surname first and last, order unclear. */
  surnameOrderUnclear: 0.3,
  /** "Sharma", "Mr. Sharma", "R. Sharma". */
  surnameOnly: 0.2,
} as const

/** Deductions for messy input around an otherwise clear name. */
const PENALTY = {
  /** Digits, symbols or junk words were dropped: the field was not a clean name. */
  junkRemoved: 0.1,
  /** "Priya Sharma, Mumbai": something after a comma that is neither a suffix nor a given name. */
  textAfterComma: 0.1,
  /** Leading initials before several words: which word is the given name is less certain. */
  afterInitials: 0.1,
} as const

// Real names have no 35-letter words or a letter three times running; such tokens are keyboard junk.
const MAX_NAME_WORD = 35

const REASON_GIVEN_FIRST = 'given name first'
const REASON_FIELD = 'first-name field'

// ---------------------------------------------------------------------------------------------------
// Look-up tables derived from the exported data.

const keyOf = (text: string): string => text.toLowerCase().replaceAll('.', '').replaceAll("'", '')

function canonicalMap(groups: Record<string, readonly string[]>): Map<string, string> {
  const map = new Map<string, string>()
  for (const words of Object.values(groups)) for (const word of words) map.set(word.split(' ').map(keyOf).join(' '), word)
  return map
}

const HONORIFIC_BY_KEY = canonicalMap(HONORIFICS)
const SUFFIX_BY_KEY = canonicalMap(SUFFIXES)
const LONGEST_HONORIFIC = Math.max(...[...HONORIFIC_BY_KEY.keys()].map((key) => key.split(' ').length))
/** Honorifics that are also given names: "Selvi" alone is more likely a name than a bare title. */
const HONORIFICS_ALSO_NAMES = new Set(['selvi', 'shree', 'sree', 'sri'])
const DEVOTIONAL = new Set<string>(NAME_ELEMENTS.devotional)
const DEVOTIONAL_ABBREVIATIONS = new Set<string>(NAME_ELEMENTS.devotionalAbbreviations)
const LINEAGE = new Set<string>(NAME_ELEMENTS.lineage)
const THEOPHORIC = new Set<string>(NAME_ELEMENTS.theophoric)
const COMPOUND_LEADS = new Set<string>([...NAME_ELEMENTS.theophoric, ...NAME_ELEMENTS.doubleNameLeads])
const MIDDLE = new Set<string>(NAME_ELEMENTS.middle)
const PARTICLES = new Set<string>(NAME_ELEMENTS.particles)
/** Keys that must stay one token even though they are written with dots ("Ph.D.", "Mohd.", "Hon'ble"). */
const DOTTED_WORDS = new Set<string>([...HONORIFIC_BY_KEY.keys(), ...SUFFIX_BY_KEY.keys(), ...DEVOTIONAL, ...LINEAGE])

// ---------------------------------------------------------------------------------------------------
// Character classes. Every regular expression tests one character: nothing here can backtrack.

const LETTER = /\p{L}/u
const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u
const MARK = /\p{M}/u
const NUMBER = /\p{N}/u
const LATIN = /\p{Script=Latin}/u
const UPPER = /\p{Lu}/u
const LOWER = /\p{Ll}/u
const SPACE_LIKE = /[\p{Z}\p{Cc}_]/u
const SYMBOL = /\p{S}/u
/** Format characters sanitise leaves (emoji tag sequences), private-use, unassigned and lone surrogates. */
const OTHER_INVISIBLE = /[\p{Cf}\p{Co}\p{Cn}\p{Cs}]/u
// Whole-string forms of the per-character tests above: one regex scan instead of a scan per character
// (intake parses a name for every lead, so this is on the webhook's path).
const ANY_LETTER = /\p{L}/u
const LETTERS = /\p{L}/gu
const NON_LATIN_LETTER = /(?!\p{Script=Latin})\p{L}/u
const NOT_LETTER_OR_NUMBER = /[^\p{L}\p{N}]/gu
const LATIN_UPPER = /(?=\p{Script=Latin})\p{Lu}/u
const LATIN_LOWER = /(?=\p{Script=Latin})\p{Ll}/u
/**
 * Text that normaliseText would return unchanged: printable ASCII letters, digits, spaces and the
 * punctuation names carry. Each maps to itself in its loop (the apostrophe and the double quote to
 * themselves, `&` is kept as a joiner) and NFKC leaves ASCII alone.
 */
const PLAIN_NAME_TEXT = /^[A-Za-z0-9 .,'"()&-]*$/
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y'])
const APOSTROPHES = new Set(["'", '\u2018', '\u2019', '\u02BC', '\u00B4', '`'])
const DOUBLE_QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB'])
/** Separators between a name and something else: "Priya Sharma | Marketing", "Ramesh S/o Krishnan". */
const SEGMENT_BREAKS = new Set(['|', '/', '\\', ';', ':', '\u2013', '\u2014', '\u2022', '\u00B7'])
/** Joiners between two people: "Priya & Rahul", "Mr + Mrs Shah". */
const PEOPLE_JOINERS = new Set(['&', '+'])
const OPENERS = new Set(['(', '[', '{'])
const CLOSERS = new Set([')', ']', '}'])
const WRAPPERS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
]

// ---------------------------------------------------------------------------------------------------
// Step 1: text clean-up.

/**
 * Caps the input at MAX_NAME_INPUT code points, removes invisible characters the way every intake field
 * does (sanitise's stripInvisible, decision 010: zero-width space/joiners, BOM, soft hyphen, word joiner,
 * bidi controls), turns every kind of space and control character into a space, drops emoji and other
 * symbols, and folds compatibility forms with NFKC (fullwidth and "fancy font" letters become plain).
 */
function normaliseText(input: string): string {
  if (input.length <= MAX_NAME_INPUT && PLAIN_NAME_TEXT.test(input)) return input
  let capped = ''
  let count = 0
  // for…of reads lazily, so a megabyte of input costs no more than MAX_NAME_INPUT characters.
  for (const ch of input) {
    if (count++ >= MAX_NAME_INPUT) break
    capped += ch
  }
  let out = ''
  for (const ch of stripInvisible(capped)) {
    const cp = ch.codePointAt(0)!
    if (APOSTROPHES.has(ch)) out += "'"
    else if (DOUBLE_QUOTES.has(ch)) out += '"'
    // Separators stay as written here (a link's "://" must survive until contacts are removed).
    else if (SEGMENT_BREAKS.has(ch) || PEOPLE_JOINERS.has(ch)) out += ch
    else if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || cp === 0x20e3) out += ''
    else if (OTHER_INVISIBLE.test(ch)) out += ''
    else if (SPACE_LIKE.test(ch) || SYMBOL.test(ch)) out += ' '
    else out += ch
  }
  return out.normalize('NFKC')
}

/** Removes quotes or brackets around the whole input: '"Priya Sharma"', "(Priya)". */
function stripWrappers(text: string): string {
  let current = text.trim()
  for (let changed = true; changed; ) {
    changed = false
    for (const [open, close] of WRAPPERS) {
      if (current.length >= 2 && current.startsWith(open) && current.endsWith(close)) {
        current = current.slice(1, -1).trim()
        changed = true
      }
    }
  }
  return current
}

const hasLetter = (text: string): boolean => ANY_LETTER.test(text)

/** Strips punctuation around a word, keeping a trailing dot (it marks an initial or an abbreviation). */
function trimWord(word: string): string {
  const chars = Array.from(word)
  let start = 0
  let end = chars.length
  while (start < end && !LETTER_OR_NUMBER.test(chars[start]!)) start++
  while (end > start && !(LETTER_OR_NUMBER.test(chars[end - 1]!) || MARK.test(chars[end - 1]!) || chars[end - 1] === '.')) end--
  return chars.slice(start, end).join('')
}

const words = (text: string): string[] => text.split(' ').filter((w) => w.length > 0)

// ---------------------------------------------------------------------------------------------------
// Step 2: tokens.

interface Token {
  /** As written, without surrounding punctuation or a trailing dot. */
  text: string
  /** Lower case without dots or apostrophes, for list look-ups. */
  key: string
  /** A dotted run of single letters: "V.V.S.", "R.K.". */
  cluster: boolean
}

interface Flags {
  junkRemoved: boolean
}

const isNameChar = (ch: string): boolean => LETTER.test(ch) || MARK.test(ch) || ch === '.' || ch === "'" || ch === '-'

function looksLikeJunk(word: string): boolean {
  const chars = Array.from(word)
  if (chars.some((ch) => NUMBER.test(ch))) return true
  if (!chars.every(isNameChar)) return true
  if (chars.length > MAX_NAME_WORD) return true
  const lower = word.toLowerCase()
  for (let i = 2; i < lower.length; i++) {
    if (lower[i] === lower[i - 1] && lower[i] === lower[i - 2] && LATIN.test(lower[i]!)) return true
  }
  return false
}

const letterCount = (text: string): number => text.match(LETTERS)?.length ?? 0

/** Splits words into tokens; dotted words become initials, one abbreviation, or several words. */
function tokenize(text: string, flags: Flags): Token[] {
  const tokens: Token[] = []
  for (const raw of words(text)) {
    const word = trimWord(raw)
    if (word.length === 0) continue
    if (looksLikeJunk(word)) {
      flags.junkRemoved = true
      continue
    }
    if (!word.includes('.')) {
      tokens.push({ text: word, key: keyOf(word), cluster: false })
      continue
    }
    const parts = word.split('.').filter((p) => p.length > 0)
    if (parts.length > 1 && parts.every((p) => letterCount(p) === 1)) {
      tokens.push({ text: parts.join('.'), key: keyOf(parts.join('')), cluster: true })
    } else if (DOTTED_WORDS.has(keyOf(word))) {
      tokens.push({ text: parts.join('.'), key: keyOf(word), cluster: false })
    } else {
      // "K.Ramachandran", "Dr.Anil", "Md.Imran": a dot with no space after it.
      for (const part of parts) tokens.push({ text: part, key: keyOf(part), cluster: false })
    }
  }
  return tokens
}

interface Context {
  /** The input has both upper- and lower-case Latin letters, so an all-caps "APJ" stands out as initials. */
  mixedCase: boolean
}

const isLatinWord = (text: string): boolean => !NON_LATIN_LETTER.test(text)

function isInitial(token: Token, ctx: Context): boolean {
  if (token.cluster || letterCount(token.text) === 1) return true
  if (!isLatinWord(token.text) || DEVOTIONAL.has(token.key) || LINEAGE.has(token.key)) return false
  const letters = letterCount(token.text)
  // "KR", "vvs": no vowel, so not a pronounceable name.
  if (letters <= 4 && !Array.from(token.key).some((ch) => VOWELS.has(ch))) return true
  // "APJ Abdul Kalam": a short all-caps word among normally written words.
  return ctx.mixedCase && letters <= 3 && token.text === token.text.toUpperCase()
}

const NO_CONTEXT: Context = { mixedCase: false }

/** The longest honorific (up to three words: "Air Vice Marshal") starting at `start`. */
function matchHonorific(tokens: readonly Token[], start: number, ctx: Context): { canonical: string; length: number } | null {
  for (let length = Math.min(LONGEST_HONORIFIC, tokens.length - start); length >= 1; length--) {
    const slice = tokens.slice(start, start + length)
    // "M.S." and "C.A." before a name are initials far more often than titles.
    if (slice.some((t) => t.cluster)) continue
    const canonical = HONORIFIC_BY_KEY.get(slice.map((t) => t.key).join(' '))
    if (canonical === undefined) continue
    // "MS Dhoni", "AR Rahman": capitals where the title is written "Ms"/"Ar" are initials (CA and CS stay titles).
    const shouting = slice.some((t) => t.text === t.text.toUpperCase() && t.text !== t.text.toLowerCase())
    if (ctx.mixedCase && shouting && canonical !== canonical.toUpperCase() && slice.every((t) => isInitial(t, ctx))) continue
    return { canonical, length }
  }
  return null
}

function isOnlyHonorifics(tokens: readonly Token[]): boolean {
  let i = 0
  while (i < tokens.length) {
    const match = matchHonorific(tokens, i, NO_CONTEXT)
    if (match === null) return false
    i += match.length
  }
  return tokens.length > 0
}

// ---------------------------------------------------------------------------------------------------
// Step 3: choosing the greeting among the name words.

interface Choice {
  tokens: Token[] | null
  confidence: number
  base: string
  notes: string[]
}

interface ChooseOptions {
  givenField: boolean
  honorific: boolean
  leadingInitials: boolean
  trailingInitials: boolean
}

const isSurname = (t: Token): boolean => COMMON_SURNAMES.has(t.key)
/** A word that can be the given name after a prefix: not a surname, middle word or lineage title. */
const isPlain = (t: Token): boolean => !isSurname(t) && !MIDDLE.has(t.key) && !LINEAGE.has(t.key)
const display = (t: Token): string => titleCase(t.text)
const quoted = (items: readonly string[]): string => items.map((s) => `"${s}"`).join(', ')

/** "Abdul Rahman", "Sai Krishna": a compound lead joins the next plain word. */
function compoundAt(names: readonly Token[], i: number): Token[] {
  const lead = names[i]!
  const next = names[i + 1]
  if (COMPOUND_LEADS.has(lead.key) && next !== undefined && isPlain(next) && !DEVOTIONAL.has(next.key)) return [lead, next]
  return [lead]
}

function chooseSingle(t: Token, o: ChooseOptions): Choice {
  const one = (confidence: number, base: string): Choice => ({ tokens: [t], confidence, base, notes: [] })
  if (DEVOTIONAL_ABBREVIATIONS.has(t.key)) {
    return { tokens: null, confidence: 0, base: `only "${display(t)}", short for Mohammed`, notes: [] }
  }
  if (DEVOTIONAL.has(t.key)) return one(CONFIDENCE.devotionalOnly, `only "${display(t)}", often a devotional prefix`)
  if (LINEAGE.has(t.key)) return one(CONFIDENCE.lineageOnly, 'only a lineage title')
  if (isSurname(t)) {
    if (o.leadingInitials) return one(CONFIDENCE.surnameOnly, 'initials and a common surname')
    if (o.givenField) return one(CONFIDENCE.surnameInField, 'first-name field holds a common surname')
    return one(CONFIDENCE.surnameOnly, 'single word is a common surname')
  }
  if (MIDDLE.has(t.key)) {
    if (o.leadingInitials) return one(CONFIDENCE.middleAfterInitials, 'initials and a word that is usually a middle name')
    return one(o.givenField ? CONFIDENCE.singleAfterHonorific : CONFIDENCE.middleWordOnly, 'single word that is usually a middle name')
  }
  if (THEOPHORIC.has(t.key)) return one(CONFIDENCE.theophoricOnly, 'first half of a compound name')
  if (o.leadingInitials) return one(CONFIDENCE.givenAfterInitials, 'given name after initials (South Indian convention)')
  if (o.trailingInitials) return one(CONFIDENCE.givenBeforeInitials, 'given name before initials')
  if (o.givenField) return one(CONFIDENCE.firstNameField, REASON_FIELD)
  if (o.honorific) return one(CONFIDENCE.singleAfterHonorific, 'single name')
  return one(CONFIDENCE.singleName, 'single name')
}

function choose(names: readonly Token[], o: ChooseOptions): Choice {
  if (names.length === 1) return chooseSingle(names[0]!, o)
  const first = names[0]!
  const second = names[1]!
  const pick = (tokens: Token[], confidence: number, base: string): Choice => ({ tokens, confidence, base, notes: [] })

  // "Syed Mohammed Ali", "Md. Imran Khan": prefixes the person is not called by.
  const skipped: string[] = []
  let i = 0
  if (LINEAGE.has(first.key) && !isSurname(second) && !MIDDLE.has(second.key) && !LINEAGE.has(second.key)) {
    skipped.push(display(first))
    i = 1
  }
  if (i + 1 < names.length && DEVOTIONAL.has(names[i]!.key) && isPlain(names[i + 1]!)) {
    skipped.push(display(names[i]!))
    i++
  }
  if (skipped.length > 0) return pick(compoundAt(names, i), CONFIDENCE.afterNamePrefix, `given name after ${quoted(skipped)}`)
  if (DEVOTIONAL_ABBREVIATIONS.has(first.key)) {
    return { tokens: null, confidence: 0, base: `"${display(first)}" (short for Mohammed) before a surname`, notes: [] }
  }
  if (DEVOTIONAL.has(first.key)) return pick([first], CONFIDENCE.devotionalOnly, 'devotional first name before a surname')
  if (LINEAGE.has(first.key)) return pick([first], CONFIDENCE.lineageOnly, 'lineage title before a surname')

  const compound = compoundAt(names, 0)
  if (compound.length === 2) {
    const confidence = o.givenField ? CONFIDENCE.compoundInField : names.length > 2 ? CONFIDENCE.compound : CONFIDENCE.compoundOfTwo
    return pick(compound, confidence, 'compound given name')
  }
  if (THEOPHORIC.has(first.key)) return pick([first], CONFIDENCE.theophoricOnly, 'first half of a compound name')

  if (isSurname(first)) {
    const last = names[names.length - 1]!
    if (isPlain(second) && (names.length === 2 || !isSurname(last))) {
      const rest = choose(names.slice(1), { ...o, honorific: false, givenField: false })
      const plain = rest.base === 'single name' || rest.base === REASON_GIVEN_FIRST
      return {
        ...rest,
        confidence: Math.min(rest.confidence, CONFIDENCE.surnameFirstOrder),
        base: plain ? 'surname-first order (common surname first)' : `surname-first order (common surname first); ${rest.base}`,
      }
    }
    return pick([first], CONFIDENCE.surnameOrderUnclear, 'first word is a common surname; order unclear')
  }
  if (MIDDLE.has(first.key)) return pick([first], CONFIDENCE.middleWordFirst, 'given name that is usually a middle name')
  return pick([first], CONFIDENCE.givenFirst, REASON_GIVEN_FIRST)
}

/** Honorifics, suffixes and initials around the name words, then the choice. */
function parseTokens(tokens: readonly Token[], ctx: Context, givenField: boolean): Choice {
  const honorifics: string[] = []
  let start = 0
  for (let match = matchHonorific(tokens, 0, ctx); match !== null; match = matchHonorific(tokens, start, ctx)) {
    honorifics.push(match.canonical)
    start += match.length
  }
  const suffixes: string[] = []
  let end = tokens.length
  // Never the last word left: "Priya MA" loses "MA", "Ma" alone stays.
  while (end - start > 1 && SUFFIX_BY_KEY.has(tokens[end - 1]!.key)) {
    suffixes.unshift(SUFFIX_BY_KEY.get(tokens[end - 1]!.key)!)
    end--
  }
  const notes: string[] = []
  if (honorifics.length > 0) notes.push(`after ${honorifics.length > 1 ? 'honorifics' : 'honorific'} ${quoted(honorifics)}`)
  if (suffixes.length > 0) notes.push(`${suffixes.length > 1 ? 'suffixes' : 'suffix'} ${quoted(suffixes)} removed`)

  const core = tokens.slice(start, end)
  if (core.length === 0) {
    const lastKey = tokens[tokens.length - 1]?.key
    if (tokens.length === 1 && lastKey !== undefined && HONORIFICS_ALSO_NAMES.has(lastKey)) {
      return { tokens: [tokens[0]!], confidence: CONFIDENCE.honorificAsName, base: 'honorific that is also a given name', notes: [] }
    }
    return { tokens: null, confidence: 0, base: tokens.length > 0 ? 'only an honorific' : 'no name', notes: [] }
  }

  const names: Token[] = []
  let leadingInitials = false
  let trailingInitials = false
  for (const token of core) {
    if (!isInitial(token, ctx)) names.push(token)
    else if (names.length === 0) leadingInitials = true
    else trailingInitials = true
  }
  if (names.length === 0) return { tokens: null, confidence: 0, base: 'only initials', notes }

  const choice = choose(names, { givenField, honorific: honorifics.length > 0, leadingInitials, trailingInitials })
  let confidence = choice.confidence
  if (leadingInitials && names.length > 1 && choice.tokens !== null) {
    confidence -= PENALTY.afterInitials
    notes.push('after initials')
  }
  return { ...choice, confidence, notes: [...choice.notes, ...notes] }
}

// ---------------------------------------------------------------------------------------------------
// Step 4: the structure around the name: brackets, separators, several people, commas.

/** Bracketed text is an annotation ("(Marketing)", "(Pia)") unless it only holds titles: "Prof. (Dr.) Anil". */
function resolveBrackets(text: string): string {
  let out = ''
  let group = ''
  let depth = 0
  const keepIfTitles = (content: string): string => (isOnlyHonorifics(tokenize(content, { junkRemoved: false })) ? content : '')
  for (const ch of text) {
    if (OPENERS.has(ch)) {
      if (depth > 0) group += ' '
      depth++
    } else if (CLOSERS.has(ch)) {
      if (depth === 0) out += ' '
      else if (--depth === 0) {
        out += ` ${keepIfTitles(group)} `
        group = ''
      } else group += ' '
    } else if (depth > 0) group += ch
    else out += ch
  }
  // An unclosed bracket: what follows it is probably still the name.
  return depth > 0 ? `${out} ${group}` : out
}

/** The first piece that has letters, splitting at "|", "/", dashes and the like. */
function firstSegment(text: string): string {
  const spaced = Array.from(text)
    .map((ch) => (SEGMENT_BREAKS.has(ch) ? ' | ' : ch))
    .join('')
  const marked = words(spaced)
    .map((w) => (w === '-' || w === '--' ? '|' : w))
    .join(' ')
  return marked.split('|').find(hasLetter) ?? ''
}

/** "Priya & Rahul Sharma": the first person who has a name word, and whether there were several. */
function firstPerson(text: string): { text: string; several: boolean } {
  const groups: string[][] = [[]]
  const spaced = Array.from(text)
    .map((ch) => (PEOPLE_JOINERS.has(ch) ? ' & ' : ch))
    .join('')
  for (const w of words(spaced)) {
    if (w === '&' || w.toLowerCase() === 'and') groups.push([])
    else groups[groups.length - 1]!.push(w)
  }
  const withLetters = groups.filter((g) => g.some(hasLetter))
  const named = withLetters.find((g) => !isOnlyHonorifics(tokenize(g.join(' '), { junkRemoved: false }))) ?? withLetters[0] ?? []
  return { text: named.join(' '), several: withLetters.length > 1 }
}

/** `Venkata "Venky" Rao`: a single quoted word inside a longer name is what the person asked to be called. */
function quotedNickname(text: string): { nickname: string | null; rest: string } {
  const parts = text.split('"')
  if (parts.length !== 3) return { nickname: null, rest: parts.join(' ') }
  const inside = words(parts[1]!).map(trimWord).filter((w) => w.length > 0)
  const outside = `${parts[0]} ${parts[2]}`
  const candidate = inside[0]
  if (inside.length !== 1 || candidate === undefined || !hasLetter(outside) || looksLikeJunk(candidate)) return { nickname: null, rest: parts.join(' ') }
  const key = keyOf(candidate)
  if (COMMON_SURNAMES.has(key) || HONORIFIC_BY_KEY.has(key) || PLACEHOLDER_NAMES.has(key)) return { nickname: null, rest: parts.join(' ') }
  return { nickname: candidate, rest: outside }
}

/** The comma cases: "Ramesh Iyer, PhD" (suffix), "Sharma, Priya" (surname first), "Priya Sharma, Mumbai" (extra). */
function parseCommaParts(text: string, ctx: Context, givenField: boolean, flags: Flags): Choice {
  const parts = text
    .split(',')
    .map((part) => tokenize(part, flags))
    .filter((tokens) => tokens.length > 0)
  const suffixes: string[] = []
  while (parts.length > 1 && parts[parts.length - 1]!.every((t) => SUFFIX_BY_KEY.has(t.key))) {
    suffixes.unshift(...parts.pop()!.map((t) => SUFFIX_BY_KEY.get(t.key)!))
  }
  const withSuffixNote = (choice: Choice, extraNotes: string[] = []): Choice => ({
    ...choice,
    notes: [...choice.notes, ...extraNotes, ...(suffixes.length > 0 ? [`${suffixes.length > 1 ? 'suffixes' : 'suffix'} ${quoted(suffixes)} removed`] : [])],
  })
  const [left, right, ...extra] = parts
  if (left === undefined) return { tokens: null, confidence: 0, base: 'no name', notes: [] }
  if (right === undefined) return withSuffixNote(parseTokens(left, ctx, givenField))

  const extraNote = extra.length > 0 ? ['text after comma ignored'] : []
  const extraPenalty = extra.length > 0 ? PENALTY.textAfterComma : 0
  const surnameLike =
    (left.length === 1 && !isInitial(left[0]!, ctx)) || (left.length > 1 && left.slice(0, -1).every((t) => PARTICLES.has(t.key)))
  if (!surnameLike) {
    const choice = parseTokens(left, ctx, givenField)
    return withSuffixNote({ ...choice, confidence: choice.confidence - PENALTY.textAfterComma }, ['text after comma ignored'])
  }
  const rightNames = right.filter((t, i) => !isInitial(t, ctx) && matchHonorific(right, i, ctx) === null)
  // "Ramachandran, K.": only initials after the comma, so the word before it is the name.
  if (rightNames.length === 0) return withSuffixNote(parseTokens([...left, ...right], ctx, givenField), extraNote)
  const leftWord = left[left.length - 1]!
  // "Priya, Sharma": the known surname is on the right, so the comma separates given name and surname.
  if (left.length === 1 && !isSurname(leftWord) && rightNames.every(isSurname)) {
    return withSuffixNote(
      { tokens: [leftWord], confidence: CONFIDENCE.givenBeforeCommaSurname - extraPenalty, base: 'given name before a comma and a surname', notes: [] },
      extraNote,
    )
  }
  const choice = parseTokens(right, ctx, true)
  const plain = choice.base === REASON_FIELD || choice.base === REASON_GIVEN_FIRST || choice.base === 'single name'
  return withSuffixNote(
    {
      ...choice,
      confidence: Math.min(choice.confidence, CONFIDENCE.surnameFirstComma) - extraPenalty,
      base: plain ? 'surname-first order (comma)' : `surname-first order (comma); ${choice.base}`,
    },
    extraNote,
  )
}

// ---------------------------------------------------------------------------------------------------
// Output.

/** Title Case per hyphen part; mixed case as written is kept ("McKenzie"), other scripts are left alone. */
function titleCase(word: string): string {
  return word
    .split('-')
    .map((part) => {
      const chars = Array.from(part)
      if (!chars.some((ch) => LATIN.test(ch))) return part
      const first = chars[0] ?? ''
      if (UPPER.test(first) && chars.some((ch) => LOWER.test(ch))) return part
      const lower = Array.from(part.toLowerCase())
      lower[0] = (lower[0] ?? '').toUpperCase()
      // "D'Souza", "O'Brien": one letter and an apostrophe form a prefix.
      if (lower[1] === "'" && lower.length > 2) lower[2] = lower[2]!.toUpperCase()
      return lower.join('')
    })
    .join('-')
}

const round = (n: number): number => Math.max(0, Math.round(n * 100) / 100)
const none = (reason: string): FirstNameResult => ({ firstName: null, confidence: 0, reason })

function parseInternal(fullName: string, givenField: boolean): FirstNameResult {
  const cleaned = stripWrappers(normaliseText(fullName))
  if (cleaned.trim().length === 0) return none('empty')
  if (!hasLetter(cleaned)) return none('no letters')
  const compact = cleaned.toLowerCase().replace(NOT_LETTER_OR_NUMBER, '')
  if (PLACEHOLDER_NAMES.has(compact)) return none(`placeholder "${words(cleaned).join(' ')}"`)

  // Emails and links are contact details, not names; "Priya Sharma <priya@x.com>" keeps the name.
  const contacts = words(cleaned).filter((w) => w.includes('@') || w.includes('://') || w.toLowerCase().startsWith('www.'))
  const withoutContacts = words(cleaned)
    .filter((w) => !contacts.includes(w))
    .join(' ')
  if (!hasLetter(withoutContacts)) {
    return none(contacts.some((w) => w.includes('@')) ? 'looks like an email address' : 'looks like a web address')
  }

  const person = firstPerson(firstSegment(resolveBrackets(withoutContacts)))
  const flags: Flags = { junkRemoved: false }
  // Before the first comma only: "Priya Sharma, Acme Technologies" is a person with an employer.
  const nameTokens = tokenize((person.text.split(',')[0] ?? '').replaceAll('"', ' '), { junkRemoved: false })
  // A possessive ("Sunita's Boutique") names a business after its owner, not a person.
  const company = nameTokens.find((t) => COMPANY_WORDS.has(t.key) || (t.text.length > 3 && t.text.toLowerCase().endsWith("'s")))
  if (company !== undefined) return none(`looks like a company name ("${company.text}")`)
  const ctx: Context = { mixedCase: LATIN_UPPER.test(person.text) && LATIN_LOWER.test(person.text) }

  const { nickname, rest } = quotedNickname(person.text)
  const choice: Choice =
    nickname !== null
      ? { tokens: [{ text: nickname, key: keyOf(nickname), cluster: false }], confidence: 0.85, base: 'nickname in quotes', notes: [] }
      : parseCommaParts(rest, ctx, givenField, flags)

  if (choice.tokens === null) {
    return none(choice.base === 'no name' && flags.junkRemoved ? 'only digits or junk' : [choice.base, ...choice.notes].join('; '))
  }
  const placeholder = choice.tokens.find((t) => PLACEHOLDER_NAMES.has(t.key))
  if (placeholder !== undefined) return none(`placeholder "${placeholder.text}"`)

  const notes = [...choice.notes]
  let confidence = choice.confidence
  if (choice.tokens.some((t) => !isLatinWord(t.text))) {
    confidence = Math.min(confidence, CONFIDENCE.nonLatinCap)
    notes.push('non-Latin script kept as written')
  }
  if (flags.junkRemoved) {
    confidence -= PENALTY.junkRemoved
    notes.push('digits or junk removed')
  }
  if (person.several) {
    confidence = Math.min(confidence, CONFIDENCE.severalPeopleCap)
    notes.push('several people')
  }
  return {
    firstName: choice.tokens.map(display).join(' '),
    confidence: round(confidence),
    reason: [choice.base, ...notes].join('; '),
  }
}

/**
 * The natural greeting name from a full name as a lead list holds it. Pure and deterministic; the input is
 * capped at MAX_NAME_INPUT characters. Compare `confidence` with LOW_CONFIDENCE (or the setting that
 * defaults to it) before putting `firstName` in a greeting.
 */
export function parseFirstName(fullName: string): FirstNameResult {
  return parseInternal(fullName, false)
}

/**
 * Convenience when a source gives first and last separately (Clay first_name/last_name): cleans and
 * title-cases first_name, falling back to parseFirstName(`${first} ${last}`) when first yields no name at
 * all (empty, only initials, only an honorific, junk), so "K." + "Ramachandran" still finds Ramachandran.
 */
export function firstNameFromParts(first: string | null | undefined, last: string | null | undefined): FirstNameResult {
  const fromFirst = parseInternal(first ?? '', true)
  if (fromFirst.firstName !== null) return fromFirst
  return parseFirstName(`${first ?? ''} ${last ?? ''}`)
}
