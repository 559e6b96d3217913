/**
 * Generated leads for the write benchmarks: Indian names, unique work addresses, companies, personas,
 * scores and a few enrichment fields, from a seeded generator (every run writes the same data).
 */
import type { Lead } from '../src/shared/domain/entities'
import { keys } from '../src/shared/adapters/dynamo/keys'

const FIRST = [
  'Aarav', 'Vivaan', 'Aditya', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Krishna', 'Ishaan', 'Shaurya', 'Rohan', 'Rahul', 'Amit', 'Suresh',
  'Ramesh', 'Venkatesh', 'Karthik', 'Pranav', 'Siddharth', 'Nikhil', 'Manish', 'Rajesh', 'Sandeep', 'Harsh', 'Kunal', 'Gaurav', 'Anil',
  'Deepak', 'Vikram', 'Abhishek', 'Ananya', 'Diya', 'Aadhya', 'Saanvi', 'Pari', 'Anika', 'Navya', 'Myra', 'Priya', 'Sneha', 'Pooja',
  'Kavya', 'Divya', 'Lakshmi', 'Meera', 'Nandini', 'Shreya', 'Isha', 'Riya', 'Aishwarya', 'Swati', 'Neha', 'Shalini', 'Padma', 'Revathi',
  'Gurpreet', 'Harpreet', 'Mohammed', 'Imran', 'Farhan', 'Zoya', 'Sana', 'Joseph', 'Thomas', 'Anjali', 'Tanvi', 'Bhavna', 'Chetan',
]
const LAST = [
  'Sharma', 'Verma', 'Gupta', 'Iyer', 'Iyengar', 'Nair', 'Menon', 'Pillai', 'Reddy', 'Rao', 'Naidu', 'Patel', 'Shah', 'Mehta', 'Desai',
  'Joshi', 'Kulkarni', 'Deshpande', 'Patil', 'Chatterjee', 'Banerjee', 'Mukherjee', 'Das', 'Bose', 'Ghosh', 'Sen', 'Singh', 'Kaur',
  'Gill', 'Sandhu', 'Agarwal', 'Jain', 'Bansal', 'Malhotra', 'Kapoor', 'Khanna', 'Chopra', 'Bhatia', 'Saxena', 'Srivastava', 'Mishra',
  'Tiwari', 'Pandey', 'Dubey', 'Krishnan', 'Subramanian', 'Raghavan', 'Venkataraman', 'Khan', 'Qureshi', 'Siddiqui', "D'Souza", 'Fernandes',
]
const COMPANY_A = ['Infra', 'Quantum', 'Lotus', 'Saffron', 'Indus', 'Ganga', 'Nilgiri', 'Deccan', 'Kaveri', 'Himalaya', 'Peacock', 'Banyan', 'Monsoon', 'Tiger', 'Coral']
const COMPANY_B = ['Soft', 'Tech', 'Logix', 'Labs', 'Systems', 'Analytics', 'Fintech', 'Health', 'Retail', 'Cloud', 'Works', 'Mobility', 'Foods', 'Pay', 'Learn']
const COMPANY_C = ['Pvt Ltd', 'Technologies', 'Solutions', 'India', 'Private Limited', 'Ventures', 'Ltd', 'Global']
const CITIES = ['Bengaluru', 'Mumbai', 'Pune', 'Hyderabad', 'Chennai', 'Gurugram', 'Noida', 'Kolkata', 'Ahmedabad', 'Kochi', 'Jaipur', 'Indore']
const TITLES = ['Founder & CEO', 'Co-founder', 'CTO', 'VP Engineering', 'Head of Sales', 'CFO', 'Director of Marketing', 'Head of Growth', 'COO', 'Product Lead']
export const PERSONAS = ['founder', 'cto', 'cfo', 'sales leader', 'marketing leader'] as const
const EMPLOYEES = ['11-50', '51-200', '201-500', '501-1000', '1001-5000']


export interface BenchLead {
  email: string
  fullName: string
  company: string
  persona: string
  leadScore: number
  title: string
  city: string
  employees: string
  linkedin: string
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '')

/** Lead number `i` of a run: the address is unique by `i` (and `tag`, so two benchmarks never collide). */
export function benchLead(rand: () => number, i: number, tag: string): BenchLead {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const first = pick(FIRST)
  const last = pick(LAST)
  const company = `${pick(COMPANY_A)}${pick(COMPANY_B)} ${pick(COMPANY_C)}`
  const domain = `${slug(company.split(' ')[0]!)}.in`
  return {
    email: `${slug(first)}.${slug(last)}.${tag}${i}@${domain}`,
    fullName: `${first} ${last}`,
    company,
    persona: pick(PERSONAS),
    leadScore: 40 + Math.floor(rand() * 60),
    title: pick(TITLES),
    city: pick(CITIES),
    employees: pick(EMPLOYEES),
    linkedin: `https://www.linkedin.com/in/${slug(first)}-${slug(last)}-${(i * 7919).toString(36)}`,
  }
}

/**
 * The floor's item: the lead profile item as the leads table stores it (keys, the byStatus index keys and
 * the lead map), the largest of the items an intake transaction writes.
 */
/** A generated lead as the stored domain type; callers set status, campaign and time. */
export function leadOf(l: BenchLead, id: string, fields: Pick<Lead, 'enrichment' | 'status' | 'campaignId' | 'holdReason' | 'createdAt'>): Lead {
  return {
    id,
    email: l.email,
    fullName: l.fullName,
    firstName: l.fullName.split(' ')[0]!,
    firstNameConfidence: 0.95,
    company: l.company,
    persona: l.persona,
    leadScore: l.leadScore,
    source: 'clay',
    healthState: 'healthy',
    ...fields,
  }
}

export function floorItem(l: BenchLead, id: string, now: Date, enrichment: Record<string, string>): Record<string, unknown> {
  const createdAt = now.toISOString()
  const lead = leadOf(l, id, { enrichment, status: 'held', campaignId: null, holdReason: 'no routing rule matched', createdAt })
  return { ...keys.lead(id), ...keys.leadByStatus('held', createdAt, id), lead }
}
