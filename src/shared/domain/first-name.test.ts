import { describe, expect, it } from 'vitest'
import {
  COMMON_SURNAMES,
  firstNameFromParts,
  HONORIFICS,
  LOW_CONFIDENCE,
  MAX_NAME_INPUT,
  NAME_ELEMENTS,
  parseFirstName,
  SUFFIXES,
} from './first-name'

/** [input, firstName, confidence, reason]: every row pins the whole result. */
type Case = readonly [input: string, firstName: string | null, confidence: number, reason: string]

const plain: Case[] = [
  ['Priya Sharma', 'Priya', 0.9, 'given name first'],
  ['PRIYA SHARMA', 'Priya', 0.9, 'given name first'],
  ['priya sharma', 'Priya', 0.9, 'given name first'],
  ['Priya', 'Priya', 0.8, 'single name'],
  ['Venkatasubramanian', 'Venkatasubramanian', 0.8, 'single name'],
  ['anne-marie d\u2019souza', 'Anne-Marie', 0.9, 'given name first'],
  ['rahul-kumar sharma', 'Rahul-Kumar', 0.9, 'given name first'],
  ["O'BRIEN", "O'Brien", 0.8, 'single name'],
  ['McKenzie Rao', 'McKenzie', 0.9, 'given name first'],
  ['mcDonald', 'Mcdonald', 0.8, 'single name'],
  ['ÉLODIE', 'Élodie', 0.8, 'single name'],
  ['José Fernandes', 'José', 0.9, 'given name first'],
  ['Anand Kumar', 'Anand', 0.9, 'given name first'],
  ['Lakshmi Narayanan K', 'Lakshmi', 0.9, 'given name first'],
  ['Priya Rani', 'Priya', 0.9, 'given name first'],
  ['Amit Bhai Patel', 'Amit', 0.9, 'given name first'],
]

const cleanUp: Case[] = [
  ['  priya   sharma  ', 'Priya', 0.9, 'given name first'],
  ['Pri\u200Bya Sharma', 'Priya', 0.9, 'given name first'],
  ['Pri\u200Cya\u200D Sharma', 'Priya', 0.9, 'given name first'],
  ['\uFEFFPriya Sharma', 'Priya', 0.9, 'given name first'],
  ['Priya\u2060 Sharma', 'Priya', 0.9, 'given name first'],
  ['Pri\u00ADya Sharma', 'Priya', 0.9, 'given name first'],
  ['Priya\u00A0Sharma', 'Priya', 0.9, 'given name first'],
  ['Ramesh\u2009Iyer', 'Ramesh', 0.9, 'given name first'],
  ['Priya\u2028Sharma', 'Priya', 0.9, 'given name first'],
  ['Priya\tSharma', 'Priya', 0.9, 'given name first'],
  ['Priya\nSharma', 'Priya', 0.9, 'given name first'],
  ['\u0000Priya', 'Priya', 0.8, 'single name'],
  ['\u202EPriya\u202C Sharma', 'Priya', 0.9, 'given name first'],
  // Blank-looking characters that are not format characters: a Hangul filler (a letter) and a combining joiner.
  ['Priya\u3164 Sharma', 'Priya', 0.9, 'given name first'],
  ['Pri\u034Fya Sharma', 'Priya', 0.9, 'given name first'],
  ['Pri\u0301ya', 'Príya', 0.8, 'single name'],
  ['Priya 🌸 Sharma', 'Priya', 0.9, 'given name first'],
  ['👨\u200D💻 Rahul', 'Rahul', 0.8, 'single name'],
  ['Priya  Sharma  🙏🏽', 'Priya', 0.9, 'given name first'],
  ['Priya Sharma ★★★★★', 'Priya', 0.9, 'given name first'],
  ['𝐏𝐫𝐢𝐲𝐚 𝐒𝐡𝐚𝐫𝐦𝐚', 'Priya', 0.9, 'given name first'],
  ['ＰＲＩＹＡ', 'Priya', 0.8, 'single name'],
  ['(Priya Sharma)', 'Priya', 0.9, 'given name first'],
  ['"Priya Sharma"', 'Priya', 0.9, 'given name first'],
  ["'priya'", 'Priya', 0.8, 'single name'],
  ['[Priya]', 'Priya', 0.8, 'single name'],
  ['«Priya»', 'Priya', 0.8, 'single name'],
  ['Priya.', 'Priya', 0.8, 'single name'],
  ['priya_sharma', 'Priya', 0.9, 'given name first'],
]

const honorifics: Case[] = [
  ['Dr. Priya', 'Priya', 0.7, 'single name; after honorific "Dr"'],
  ['Dr. Anil Kumar', 'Anil', 0.9, 'given name first; after honorific "Dr"'],
  ['dr anil kumar', 'Anil', 0.9, 'given name first; after honorific "Dr"'],
  ['Prof. (Dr.) Anil Kumar', 'Anil', 0.9, 'given name first; after honorifics "Prof", "Dr"'],
  ['Dr. Mrs. Sunita Rao', 'Sunita', 0.9, 'given name first; after honorifics "Dr", "Mrs"'],
  ['Mrs.Priya.Sharma', 'Priya', 0.9, 'given name first; after honorific "Mrs"'],
  ['Ms. Priya', 'Priya', 0.7, 'single name; after honorific "Ms"'],
  ['MS PRIYA', 'Priya', 0.7, 'single name; after honorific "Ms"'],
  ['Mx Alex', 'Alex', 0.7, 'single name; after honorific "Mx"'],
  ['Sir Ratan Tata', 'Ratan', 0.9, 'given name first; after honorific "Sir"'],
  ['Smt. Lakshmi Devi', 'Lakshmi', 0.9, 'given name first; after honorific "Smt"'],
  ['Shri Ram Prasad', 'Ram', 0.9, 'given name first; after honorific "Shri"'],
  ['Sri Harsha', 'Harsha', 0.7, 'single name; after honorific "Sri"'],
  ['Kum. Ananya', 'Ananya', 0.7, 'single name; after honorific "Kum"'],
  ['Kumari Mayawati', 'Mayawati', 0.7, 'single name; after honorific "Kumari"'],
  ['Er. Ramesh', 'Ramesh', 0.7, 'single name; after honorific "Er"'],
  ['Ar. Priya', 'Priya', 0.7, 'single name; after honorific "Ar"'],
  ['CA Ramesh Gupta', 'Ramesh', 0.9, 'given name first; after honorific "CA"'],
  ['Pt. Ravi Shankar', 'Ravi', 0.9, 'given name first; after honorific "Pt"'],
  ['Ustad Zakir Hussain', 'Zakir', 0.9, 'given name first; after honorific "Ustad"'],
  ['Sardar Harpreet Singh', 'Harpreet', 0.9, 'given name first; after honorific "Sardar"'],
  ['Thiru. Murugan', 'Murugan', 0.7, 'single name; after honorific "Thiru"'],
  ['Selvi Kavitha', 'Kavitha', 0.7, 'single name; after honorific "Selvi"'],
  ['Begum Akhtar', 'Akhtar', 0.7, 'single name; after honorific "Begum"'],
  ['Sr. Mary Joseph', 'Mary', 0.9, 'given name first; after honorific "Sr"'],
  ['Rev. Fr. Thomas', 'Thomas', 0.7, 'single name; after honorifics "Rev", "Fr"'],
  ['Col. (Retd.) Vikram Singh', 'Vikram', 0.9, 'given name first; after honorifics "Col", "Retd"'],
  ['Sqn Ldr Ajay Ahuja', 'Ajay', 0.9, 'given name first; after honorific "Sqn Ldr"'],
  ['Wg. Cdr. Abhinandan Varthaman', 'Abhinandan', 0.9, 'given name first; after honorific "Wg Cdr"'],
  ['Lt. Gen. Rajesh Pant', 'Rajesh', 0.9, 'given name first; after honorific "Lt Gen"'],
  ['Air Vice Marshal Rakesh Sinha', 'Rakesh', 0.9, 'given name first; after honorific "Air Vice Marshal"'],
  ["Hon'ble Justice D.Y. Chandrachud", 'Chandrachud', 0.75, 'given name after initials (South Indian convention); after honorifics "Hon\'ble", "Justice"'],
  ['Mr. Sharma', 'Sharma', 0.2, 'single word is a common surname; after honorific "Mr"'],
  ['Sardar Patel', 'Patel', 0.2, 'single word is a common surname; after honorific "Sardar"'],
  ['Dr Kumar', 'Kumar', 0.35, 'single word that is usually a middle name; after honorific "Dr"'],
  ['Dr.', null, 0, 'only an honorific'],
  ['Mr', null, 0, 'only an honorific'],
  ['Selvi', 'Selvi', 0.3, 'honorific that is also a given name'],
]

const suffixes: Case[] = [
  ['Ramesh Iyer, PhD', 'Ramesh', 0.9, 'given name first; suffix "PhD" removed'],
  ['Ramesh Iyer, Ph.D., MBA', 'Ramesh', 0.9, 'given name first; suffixes "PhD", "MBA" removed'],
  ['Dr. Priya Nair, MBBS, MD', 'Priya', 0.9, 'given name first; after honorific "Dr"; suffixes "MBBS", "MD" removed'],
  ['Anil Kumar, IAS', 'Anil', 0.9, 'given name first; suffix "IAS" removed'],
  ['Ramesh Iyer Sr.', 'Ramesh', 0.9, 'given name first; suffix "Sr" removed'],
  ['Priya Sharma, Jr.', 'Priya', 0.9, 'given name first; suffix "Jr" removed'],
  ['Ramesh, Jr.', 'Ramesh', 0.8, 'single name; suffix "Jr" removed'],
  ['Priya, MBA', 'Priya', 0.8, 'single name; suffix "MBA" removed'],
  ['Ramesh garu', 'Ramesh', 0.8, 'single name; suffix "Garu" removed'],
  ['Ravi Kumar Reddy Garu', 'Ravi', 0.9, 'given name first; suffix "Garu" removed'],
  ['Sharma ji', 'Sharma', 0.2, 'single word is a common surname; suffix "Ji" removed'],
]

const initials: Case[] = [
  ['K. Ramachandran', 'Ramachandran', 0.75, 'given name after initials (South Indian convention)'],
  ['K Ramachandran', 'Ramachandran', 0.75, 'given name after initials (South Indian convention)'],
  ['K.Ramachandran', 'Ramachandran', 0.75, 'given name after initials (South Indian convention)'],
  ['V.V.S. Laxman', 'Laxman', 0.75, 'given name after initials (South Indian convention)'],
  ['R.K. Narayan', 'Narayan', 0.75, 'given name after initials (South Indian convention)'],
  ['S. Janaki', 'Janaki', 0.75, 'given name after initials (South Indian convention)'],
  ['B.R. Ambedkar', 'Ambedkar', 0.75, 'given name after initials (South Indian convention)'],
  ['BR Ambedkar', 'Ambedkar', 0.75, 'given name after initials (South Indian convention)'],
  ['AR Rahman', 'Rahman', 0.75, 'given name after initials (South Indian convention)'],
  // Known limitation: North Indian initials abbreviate given names (Mahendra Singh), so the one word is a surname.
  ['M.S. Dhoni', 'Dhoni', 0.75, 'given name after initials (South Indian convention)'],
  ['MS Dhoni', 'Dhoni', 0.75, 'given name after initials (South Indian convention)'],
  ['Justice (Retd.) A.K. Sikri', 'Sikri', 0.75, 'given name after initials (South Indian convention); after honorifics "Justice", "Retd"'],
  ['Ramesh K', 'Ramesh', 0.85, 'given name before initials'],
  ['Ramesh K. R.', 'Ramesh', 0.85, 'given name before initials'],
  ['Sowmya R', 'Sowmya', 0.85, 'given name before initials'],
  ['Ravi RAO', 'Ravi', 0.85, 'given name before initials'],
  ['RAVI RAO', 'Ravi', 0.9, 'given name first'],
  ['DR Priya Sharma', 'Priya', 0.8, 'given name first; after initials'],
  ['A P J Abdul Kalam', 'Abdul Kalam', 0.55, 'compound given name; after initials'],
  ['A.P.J. Abdul Kalam', 'Abdul Kalam', 0.55, 'compound given name; after initials'],
  ['APJ Abdul Kalam', 'Abdul Kalam', 0.55, 'compound given name; after initials'],
  ['Dr. A. P. J. Abdul Kalam', 'Abdul Kalam', 0.55, 'compound given name; after honorific "Dr"; after initials'],
  ['R. Sharma', 'Sharma', 0.2, 'initials and a common surname'],
  ['A.B.', null, 0, 'only initials'],
  ['V.V.S.', null, 0, 'only initials'],
  ['X Æ A-12', null, 0, 'only initials'],
]

const commas: Case[] = [
  ['Sharma, Priya', 'Priya', 0.85, 'surname-first order (comma)'],
  ['Iyer, Dr. Ramesh', 'Ramesh', 0.85, 'surname-first order (comma); after honorific "Dr"'],
  ['Nair, Priya K.', 'Priya', 0.85, 'surname-first order (comma); given name before initials'],
  ['Fernandes, Anne-Marie', 'Anne-Marie', 0.85, 'surname-first order (comma)'],
  ['De Souza, Priya', 'Priya', 0.85, 'surname-first order (comma)'],
  ['Sharma, Priya, MBA', 'Priya', 0.85, 'surname-first order (comma); suffix "MBA" removed'],
  ['Ramachandran, K.', 'Ramachandran', 0.85, 'given name before initials'],
  ['Priya, Sharma', 'Priya', 0.6, 'given name before a comma and a surname'],
  ['Priya Sharma, Mumbai', 'Priya', 0.8, 'given name first; text after comma ignored'],
  ['Priya Sharma, Acme Technologies', 'Priya', 0.8, 'given name first; text after comma ignored'],
  ['Kalam, A.P.J. Abdul', 'Abdul', 0.45, 'surname-first order (comma); first half of a compound name'],
]

const muslimNames: Case[] = [
  ['Md. Imran Khan', 'Imran', 0.7, 'given name after "Md"'],
  ['Mohd Imran', 'Imran', 0.7, 'given name after "Mohd"'],
  ['Mohammed Irfan', 'Irfan', 0.7, 'given name after "Mohammed"'],
  ['Janab Mohd Imran', 'Imran', 0.7, 'given name after "Mohd"; after honorific "Janab"'],
  ['Mohammed Abdul Rahman', 'Abdul Rahman', 0.7, 'given name after "Mohammed"'],
  ['Syed Ali Hussain', 'Ali', 0.7, 'given name after "Syed"'],
  ['Syed Mohammed Ali', 'Ali', 0.7, 'given name after "Syed", "Mohammed"'],
  ['Sheikh Abdullah', 'Abdullah', 0.7, 'given name after "Sheikh"'],
  ['Sk. Rahim', 'Rahim', 0.7, 'given name after "Sk"'],
  ['Mohammed Khan', 'Mohammed', 0.55, 'devotional first name before a surname'],
  ['Mohammed', 'Mohammed', 0.55, 'only "Mohammed", often a devotional prefix'],
  ['Md Khan', null, 0, '"Md" (short for Mohammed) before a surname'],
  ['Md', null, 0, 'only "Md", short for Mohammed'],
  ['Syed Khan', 'Syed', 0.35, 'lineage title before a surname'],
  ['Abdul Rahman Khan', 'Abdul Rahman', 0.75, 'compound given name'],
  ['Ghulam Nabi Azad', 'Ghulam Nabi', 0.75, 'compound given name'],
  ['Abdul', 'Abdul', 0.45, 'first half of a compound name'],
]

const compoundsAndOrder: Case[] = [
  ['Sai Krishna Reddy', 'Sai Krishna', 0.75, 'compound given name'],
  ['Sai Krishna', 'Sai Krishna', 0.65, 'compound given name'],
  ['Venkata Ramana Murthy', 'Venkata Ramana', 0.75, 'compound given name'],
  ['Naga Chaitanya Akkineni', 'Naga Chaitanya', 0.75, 'compound given name'],
  ['Sai Kumar Reddy', 'Sai', 0.9, 'given name first'],
  ['Sai', 'Sai', 0.8, 'single name'],
  ['Anil Kumar Singh', 'Anil', 0.9, 'given name first'],
  ['Kumar Mangalam Birla', 'Kumar', 0.6, 'given name that is usually a middle name'],
  ['Harpreet Kaur', 'Harpreet', 0.9, 'given name first'],
  ['Gurpreet Singh Bedi', 'Gurpreet', 0.9, 'given name first'],
  ['Sharma Priya', 'Priya', 0.6, 'surname-first order (common surname first)'],
  ['Patel Amitbhai Rameshbhai', 'Amitbhai', 0.6, 'surname-first order (common surname first)'],
  ['Shah Rukh Khan', 'Shah', 0.3, 'first word is a common surname; order unclear'],
  ['Khan Abdul Ghaffar Khan', 'Khan', 0.3, 'first word is a common surname; order unclear'],
  ['Sharma Gupta', 'Sharma', 0.3, 'first word is a common surname; order unclear'],
]

const singleWords: Case[] = [
  ['Sharma', 'Sharma', 0.2, 'single word is a common surname'],
  ["D'Souza", "D'Souza", 0.2, 'single word is a common surname'],
  ['Iyer', 'Iyer', 0.2, 'single word is a common surname'],
  ['Kaur', 'Kaur', 0.2, 'single word is a common surname'],
  ['Singh', 'Singh', 0.2, 'single word is a common surname'],
  ['Kumar', 'Kumar', 0.35, 'single word that is usually a middle name'],
  ['Devi', 'Devi', 0.35, 'single word that is usually a middle name'],
]

const junk: Case[] = [
  ['', null, 0, 'empty'],
  ['   ', null, 0, 'empty'],
  ['\u200B\uFEFF', null, 0, 'empty'],
  ['12345', null, 0, 'no letters'],
  ['-', null, 0, 'no letters'],
  ['N/A', null, 0, 'placeholder "N/A"'],
  ['Test', null, 0, 'placeholder "Test"'],
  ['Unknown', null, 0, 'placeholder "Unknown"'],
  ['sir', null, 0, 'placeholder "sir"'],
  ['asdf', null, 0, 'placeholder "asdf"'],
  ['Test User', null, 0, 'placeholder "Test"'],
  ['Dear Customer', null, 0, 'placeholder "Dear"'],
  ['john.doe@x.com', null, 0, 'looks like an email address'],
  ['https://linkedin.com/in/priya', null, 0, 'looks like a web address'],
  ['Priya Sharma <priya@acme.com>', 'Priya', 0.9, 'given name first'],
  ['Priya123', null, 0, 'only digits or junk'],
  ['Priya Sharma 9876543210', 'Priya', 0.8, 'given name first; digits or junk removed'],
  ['Acme Pvt Ltd', null, 0, 'looks like a company name ("Pvt")'],
  ['Acme Technologies, Priya', null, 0, 'looks like a company name ("Technologies")'],
  ['Sunita\u2019s Boutique', null, 0, 'looks like a company name ("Sunita\'s")'],
]

const structure: Case[] = [
  ['Priya (Marketing) Sharma', 'Priya', 0.9, 'given name first'],
  ['Priya Sharma (she/her)', 'Priya', 0.9, 'given name first'],
  ['Priya Sharma | Marketing Head', 'Priya', 0.9, 'given name first'],
  ['Priya Sharma - Acme', 'Priya', 0.9, 'given name first'],
  ['Ramesh S/o Krishnan', 'Ramesh', 0.85, 'given name before initials'],
  ['Priya & Rahul Sharma', 'Priya', 0.4, 'single name; several people'],
  ['Priya and Rahul', 'Priya', 0.4, 'single name; several people'],
  ['Sharma, Priya & Rahul', 'Priya', 0.4, 'surname-first order (comma); several people'],
  ['Mr & Mrs Sharma', 'Sharma', 0.2, 'single word is a common surname; after honorific "Mrs"; several people'],
  ['Venkata "Venky" Rao', 'Venky', 0.85, 'nickname in quotes'],
]

const otherScripts: Case[] = [
  ['प्रिया शर्मा', 'प्रिया', 0.6, 'given name first; non-Latin script kept as written'],
  ['डॉ. प्रिया शर्मा', 'प्रिया', 0.6, 'given name first; after honorific "डॉ"; non-Latin script kept as written'],
  ['திரு. முருகன்', 'முருகன்', 0.6, 'single name; after honorific "திரு"; non-Latin script kept as written'],
]

const groups = { plain, cleanUp, honorifics, suffixes, initials, commas, muslimNames, compoundsAndOrder, singleWords, junk, structure, otherScripts }
const allCases = Object.values(groups).flat()

describe('parseFirstName', () => {
  for (const [group, cases] of Object.entries(groups)) {
    describe(group, () => {
      it.each(cases)('%j → %j (%d: %s)', (input, firstName, confidence, reason) => {
        expect(parseFirstName(input)).toEqual({ firstName, confidence, reason })
      })
    })
  }

  it('has a case for every rule worth pinning (and at least 100 in all)', () => {
    expect(allCases.length).toBeGreaterThanOrEqual(100)
    expect(new Set(allCases.map(([input]) => input)).size).toBe(allCases.length)
  })

  it('never returns exactly LOW_CONFIDENCE, so ">" and ">=" callers agree', () => {
    for (const [input] of allCases) expect(parseFirstName(input).confidence).not.toBe(LOW_CONFIDENCE)
  })

  it('keeps confidence in 0..1 and gives a null name zero confidence', () => {
    for (const [input] of allCases) {
      const { firstName, confidence } = parseFirstName(input)
      expect(confidence).toBeGreaterThanOrEqual(0)
      expect(confidence).toBeLessThanOrEqual(1)
      if (firstName === null) expect(confidence).toBe(0)
    }
  })

  it('reads only the first MAX_NAME_INPUT characters, so a huge paste is cheap and deterministic', () => {
    const huge = `Priya Sharma ${'x '.repeat(500_000)}`
    const started = performance.now()
    const result = parseFirstName(huge)
    // Generous bound for a slow CI machine; without the cap this input takes far longer.
    expect(performance.now() - started).toBeLessThan(200)
    expect(result).toEqual({ firstName: 'Priya', confidence: 0.9, reason: 'given name first' })
    expect(parseFirstName(Array.from(huge).slice(0, MAX_NAME_INPUT).join(''))).toEqual(result)
  })

  it('counts the cap in code points: an emoji is one character, so 250 of them leave room for the name', () => {
    // 250 emoji are 500 UTF-16 units; a cap in units would cut the name off entirely.
    const input = `${'😀'.repeat(MAX_NAME_INPUT - 6)}Priya Sharma`
    expect(parseFirstName(input)).toEqual({ firstName: 'Priya', confidence: 0.8, reason: 'single name' })
  })

  it('is deterministic', () => {
    for (const [input] of allCases) expect(parseFirstName(input)).toEqual(parseFirstName(input))
  })
})

type PartsCase = readonly [first: string | null | undefined, last: string | null | undefined, firstName: string | null, confidence: number, reason: string]

describe('firstNameFromParts', () => {
  const cases: PartsCase[] = [
    ['Priya', 'Sharma', 'Priya', 0.95, 'first-name field'],
    ['PRIYA', null, 'Priya', 0.95, 'first-name field'],
    ['dr. priya', 'nair', 'Priya', 0.95, 'first-name field; after honorific "Dr"'],
    ['anne-marie', "d'souza", 'Anne-Marie', 0.95, 'first-name field'],
    ['Sai Krishna', 'Reddy', 'Sai Krishna', 0.85, 'compound given name'],
    ['Md. Imran', 'Khan', 'Imran', 0.7, 'given name after "Md"'],
    ['Anil Kumar', 'Singh', 'Anil', 0.9, 'given name first'],
    ['Ramesh K', 'Iyer', 'Ramesh', 0.85, 'given name before initials'],
    ['Kumar', 'Swamy', 'Kumar', 0.7, 'single word that is usually a middle name'],
    ['Sharma', 'Priya', 'Sharma', 0.4, 'first-name field holds a common surname'],
    ['Selvi', 'Raj', 'Selvi', 0.3, 'honorific that is also a given name'],
    ['प्रिया', 'शर्मा', 'प्रिया', 0.6, 'first-name field; non-Latin script kept as written'],
    // No usable first name: the full name decides.
    ['K.', 'Ramachandran', 'Ramachandran', 0.75, 'given name after initials (South Indian convention)'],
    ['R.K.', 'Narayan', 'Narayan', 0.75, 'given name after initials (South Indian convention)'],
    ['', 'Priya Sharma', 'Priya', 0.9, 'given name first'],
    [undefined, 'Sharma', 'Sharma', 0.2, 'single word is a common surname'],
    ['  \u200B ', 'Iyer', 'Iyer', 0.2, 'single word is a common surname'],
    ['Dr.', 'Sharma', 'Sharma', 0.2, 'single word is a common surname; after honorific "Dr"'],
    ['Test', 'User', null, 0, 'placeholder "Test"'],
    [null, null, null, 0, 'empty'],
  ]

  it.each(cases)('(%j, %j) → %j (%d: %s)', (first, last, firstName, confidence, reason) => {
    expect(firstNameFromParts(first, last)).toEqual({ firstName, confidence, reason })
  })

  it('falls back to exactly parseFirstName of the joined parts when the first part has no name', () => {
    for (const [first, last] of [['K.', 'Ramachandran'], ['', 'Md. Imran Khan'], ['A.P.J.', 'Abdul Kalam']] as const) {
      expect(firstNameFromParts(first, last)).toEqual(parseFirstName(`${first} ${last}`))
    }
  })
})

describe('exported name data', () => {
  const keyOf = (word: string) => word.toLowerCase().replaceAll('.', '').replaceAll("'", '')
  const honorificKeys = Object.values(HONORIFICS).flat().map(keyOf)

  it('stores surnames as look-up keys: lower case, no dots, apostrophes or spaces', () => {
    for (const surname of COMMON_SURNAMES) expect(surname).toMatch(/^[a-z]+$/)
  })

  it('keeps surnames apart from words that are read another way', () => {
    const elsewhere = [
      ...honorificKeys,
      ...Object.values(SUFFIXES).flat().map(keyOf),
      ...NAME_ELEMENTS.middle,
      ...NAME_ELEMENTS.devotional,
      ...NAME_ELEMENTS.lineage,
      ...NAME_ELEMENTS.theophoric,
      ...NAME_ELEMENTS.doubleNameLeads,
    ]
    expect(elsewhere.filter((word) => COMMON_SURNAMES.has(word))).toEqual([])
  })

  it('lists every honorific and suffix once per group', () => {
    for (const words of [...Object.values(HONORIFICS), ...Object.values(SUFFIXES)]) expect(new Set(words).size).toBe(words.length)
  })
})
