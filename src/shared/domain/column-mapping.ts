/**
 * Which file column feeds which lead field on import. Pure. The guess is only a starting point: the person
 * confirms or changes it on the mapping step, and `validateMapping` checks what they confirm.
 */
export const FIELDS = ['email', 'full_name', 'first_name', 'last_name', 'company', 'persona', 'lead_score'] as const

export type Field = (typeof FIELDS)[number]

/** Field -> 0-based column index in the file's header row, or null when no column feeds it. */
export type ColumnMapping = Record<Field, number | null>

/**
 * Header spellings per field, already normalised (see `normaliseHeader`), most specific first: when a file
 * has both "Work Email" and "Email", the work address is the one a B2B sequence should use. Only whole
 * headers match, never parts: "Email Status" (Apollo) or "Company Name for Emails" must not take the place
 * of "Email" or "Company". The second list of a field holds German, French and Spanish headers: a
 * European Excel export (the one that writes ";" between values) often has them.
 *
 * Deliberately absent:
 * - Title, Job Title, Role, Position -> persona. A persona is Drason's routing category ("founder", "cfo")
 *   that rules match exactly; a job title is free text ("Co-founder & CEO"). Mapping one to the other would
 *   hold most leads as "no routing rule matched". Titles stay as enrichment fields (merge fields).
 * - Personal/Private Email -> email. A cold B2B email goes to a work address; a person can still map it.
 * - Contact / Account on their own: in CRM exports they are record ids or owners as often as names.
 */
const SPELLINGS: Record<Field, readonly string[]> = {
  email: ['workemail', 'workemailaddress', 'businessemail', 'businessemailaddress', 'email', 'emailaddress', 'emails', 'mail', 'mailaddress', 'contactemail', 'primaryemail', ...['emailadresse', 'courriel', 'correo', 'correoelectronico']],
  full_name: ['fullname', 'name', 'contactname', 'contactfullname', 'leadname', 'personname', 'prospectname'],
  first_name: ['firstname', 'givenname', 'forename', 'first', 'fname', ...['vorname', 'prenom']],
  last_name: ['lastname', 'surname', 'familyname', 'last', 'lname', ...['nachname', 'familienname', 'nom', 'apellido', 'apellidos']],
  company: ['company', 'companyname', 'organisation', 'organization', 'organisationname', 'organizationname', 'accountname', 'employer', 'businessname', ...['firma', 'unternehmen', 'societe', 'entreprise', 'empresa']],
  persona: ['persona', 'buyerpersona', 'icp', 'icppersona', 'icpsegment'],
  lead_score: ['leadscore', 'score', 'leadrating'],
}

/**
 * Case, accents, spaces and punctuation removed: "E-mail", "E‑Mail Address*", "first_name" and
 * "Given name" become "email", "emailaddress", "firstname" and "givenname".
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '')
}

/** The best guess for each field from the header row; each column is used for at most one field. */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const normalised = headers.map(normaliseHeader)
  const used = new Set<number>()
  const mapping = Object.fromEntries(FIELDS.map((f) => [f, null])) as ColumnMapping
  for (const field of FIELDS) {
    for (const spelling of SPELLINGS[field]) {
      // The leftmost column wins when two carry the same spelling; the other stays an enrichment field.
      const index = normalised.findIndex((h, i) => h === spelling && !used.has(i))
      if (index >= 0) {
        mapping[field] = index
        used.add(index)
        break
      }
    }
  }
  return mapping
}

/**
 * The columns no field uses, in file order: they become enrichment fields. A column without a header is
 * left out, since there is no name to store its values under.
 */
export function extraColumns(headers: readonly string[], mapping: ColumnMapping): number[] {
  const used = new Set(Object.values(mapping).filter((i): i is number => i !== null))
  return headers.flatMap((header, i) => (used.has(i) || header.trim() === '' ? [] : [i]))
}

/**
 * What is wrong with a mapping, in words a person can act on; empty when it can be used. A lead needs an
 * email, a company and a name: a full name, or a first name to greet them by (a last name alone is not
 * enough). The caller checks that indexes exist in its file; this checks what a mapping alone can show.
 */
export function validateMapping(mapping: ColumnMapping): string[] {
  const problems: string[] = []
  const present = (field: Field) => mapping[field] !== null && mapping[field] !== undefined
  if (!present('email')) problems.push('Choose the column that holds the email address.')
  if (!present('full_name') && !present('first_name')) problems.push('Choose the column that holds the full name, or the one with the first name.')
  if (!present('company')) problems.push('Choose the column that holds the company.')
  const fieldsByColumn = new Map<number, Field[]>()
  for (const field of FIELDS) {
    const index = mapping[field]
    if (index === null || index === undefined) continue
    if (!Number.isInteger(index) || index < 0) {
      problems.push(`The column chosen for ${field} is not a column of the file.`)
      continue
    }
    fieldsByColumn.set(index, [...(fieldsByColumn.get(index) ?? []), field])
  }
  for (const [index, fields] of fieldsByColumn) {
    if (fields.length > 1) problems.push(`Column ${index + 1} is chosen for ${fields.join(' and ')}; each column can feed one field only.`)
  }
  return problems
}
