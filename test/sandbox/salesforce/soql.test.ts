import { describe, expect, it } from 'vitest';
import type { SfRecord } from '../../../src/model/salesforce.js';
import { SfDatabase } from '../../../src/sandbox/salesforce/database.js';
import { SfApiError } from '../../../src/sandbox/salesforce/errors.js';
import { evaluateQuery, type QueryOptions } from '../../../src/sandbox/salesforce/soql.js';
import { A1, A2, A3, A4, A5, NOW, smallOrg } from './fixture.js';

const db = new SfDatabase(smallOrg());
const run = (soql: string, options: QueryOptions = {}) => evaluateQuery(db, soql, { now: NOW, ...options });
const names = (soql: string, options: QueryOptions = {}): unknown[] => run(soql, options).records.map((r) => r.Name);
const ids = (soql: string): string[] => run(soql).records.map((r) => r.Id);

function failure(soql: string): SfApiError {
  try {
    run(soql);
  } catch (e) {
    if (e instanceof SfApiError) return e;
    throw e;
  }
  throw new Error(`expected ${soql} to fail`);
}

describe('SELECT list and record shape', () => {
  it('returns the selected fields with attributes, in the REST shape', () => {
    const { totalSize, records } = run(`SELECT Id, Name, NumberOfEmployees, Active__c FROM Account WHERE Id = '${A1}'`, { version: '61.0' });
    expect(totalSize).toBe(1);
    expect(records[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v61.0/sobjects/Account/${A1}` },
      Id: A1,
      Name: 'Acme Corp',
      NumberOfEmployees: 120,
      Active__c: true,
    });
  });

  it('answers canonical field names whatever the case in the query, and null for missing values', () => {
    const r = run(`select id, NAME, type, numberofemployees from account where id = '${A3}'`).records[0];
    expect(Object.keys(r)).toEqual(['attributes', 'Id', 'Name', 'Type', 'NumberOfEmployees']);
    expect(r.NumberOfEmployees).toBeNull();
  });

  it('treats a missing checkbox as false and composes a contact Name from FirstName and LastName', () => {
    const r = run(`SELECT Name, Inactive_Contact__c FROM Contact WHERE Id = '003SB0000000000005'`).records[0];
    expect(r.Name).toBe('Gina Globex');
    expect(r.Inactive_Contact__c).toBe(false);
  });

  it('joins parent fields through their Id fields, nesting them, null when the parent is missing', () => {
    const recs = run('SELECT Id, Email, Account.Name, Account.Type FROM Contact ORDER BY Id').records;
    expect(recs[0].Account).toEqual({ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${A1}` }, Name: 'Acme Corp', Type: 'Customer' });
    expect(recs[2].Account).toBeNull(); // no AccountId
    expect(recs[3].Account).toBeNull(); // AccountId of a record that does not exist
  });

  it('follows Owner, RecordType, Parent, custom __r and multi-hop paths', () => {
    const a1 = run(`SELECT Owner.Name, RecordType.DeveloperName, Owner.Manager.Name FROM Account WHERE Id = '${A1}'`).records[0];
    expect((a1.Owner as SfRecord).Name).toBe('Ada Admin');
    expect(((a1.Owner as SfRecord).Manager as SfRecord).Name).toBe('Bob Boss');
    expect((a1.RecordType as SfRecord).DeveloperName).toBe('Customer');
    const a5 = run(`SELECT Parent.Name, Parent.Owner.Email FROM Account WHERE Id = '${A5}'`).records[0];
    expect(a5.Parent).toMatchObject({ Name: 'Acme Corp', Owner: { Email: 'ada@example.test' } });
    const subs = run("SELECT Name, Account__r.Name FROM Customer_Subscription__c WHERE Name = 'S4'").records[0];
    expect(subs.Account__r).toMatchObject({ attributes: { type: 'Account' }, Name: 'Globex' });
  });

  it("accepts fields prefixed with the queried object's own name (GitLab's style)", () => {
    const r = run("SELECT Account.Name, Account.Type FROM Account WHERE Account.Type = 'Partner'").records;
    expect(r).toHaveLength(1);
    expect(r[0]).toEqual({ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${A3}` }, Name: 'Initech 100%_off', Type: 'Partner' });
    expect(names('SELECT a.Name FROM Account a WHERE a.Type = \'Partner\'')).toEqual(['Initech 100%_off']);
  });

  it('resolves child subqueries by inferred relationship names, with their own WHERE, ORDER BY and LIMIT', () => {
    const recs = run(
      "SELECT Name, (SELECT Name, Entitled_Seats__c FROM Customer_Subscriptions__r WHERE Current_Subscription_Status__c = 'Active' ORDER BY Entitled_Seats__c DESC), (SELECT Email FROM Contacts ORDER BY Email LIMIT 1) FROM Account ORDER BY Name",
    ).records;
    const acme = recs.find((r) => r.Name === 'Acme Corp') as SfRecord;
    expect(acme.Customer_Subscriptions__r).toEqual({
      totalSize: 2,
      done: true,
      records: [
        { attributes: { type: 'Customer_Subscription__c', url: '/services/data/v62.0/sobjects/Customer_Subscription__c/a0BSB0000000000001' }, Name: 'S1', Entitled_Seats__c: 10 },
        { attributes: { type: 'Customer_Subscription__c', url: '/services/data/v62.0/sobjects/Customer_Subscription__c/a0BSB0000000000003' }, Name: 'S3', Entitled_Seats__c: 7 },
      ],
    });
    expect((acme.Contacts as { records: SfRecord[] }).records.map((c) => c.Email)).toEqual(['jane@acme.test']);
    const initech = recs.find((r) => r.Name === 'Initech 100%_off') as SfRecord;
    expect(initech.Customer_Subscriptions__r).toBeNull();
    expect(initech.Contacts).toBeNull();
  });

  it('uses the describe childRelationships of the seed when given', () => {
    const seed = smallOrg();
    seed.describe = {
      Account: { fields: [{ name: 'Id', type: 'id' }, { name: 'Name', type: 'string' }], childRelationships: [{ relationshipName: 'Subs__r', childSObject: 'Customer_Subscription__c', field: 'Account__c' }] },
    };
    const r = evaluateQuery(new SfDatabase(seed), `SELECT Name, (SELECT Name FROM Subs__r) FROM Account WHERE Id = '${A2}'`);
    expect(r.records[0].Subs__r).toMatchObject({ totalSize: 1, records: [{ Name: 'S4' }] });
  });

  it('supports COUNT() and FIELDS(CUSTOM)', () => {
    expect(run("SELECT COUNT() FROM Account WHERE Type = 'Customer'")).toEqual({ totalSize: 2, records: [] });
    const r = run(`SELECT FIELDS(CUSTOM) FROM Account WHERE Id = '${A1}'`).records[0];
    expect(r).toMatchObject({ Next_Renewal_Date__c: '2020-03-01', Active__c: true, Regions__c: 'EMEA;AMER' });
    expect(r.Name).toBeUndefined();
  });

  it('writes datetimes the way the REST API does, whatever the seed style', () => {
    const recs = run(`SELECT CreatedDate FROM Account WHERE Id IN ('${A1}', '${A3}') ORDER BY CreatedDate`).records;
    expect(recs.map((r) => r.CreatedDate)).toEqual(['2024-01-10T08:00:00.000+0000', '2026-11-23T09:15:00.000+0000']);
  });
});

describe('WHERE', () => {
  it('compares strings case-insensitively with = and !=, and != keeps nulls', () => {
    expect(names("SELECT Name FROM Account WHERE Name = 'ACME corp'")).toEqual(['Acme Corp']);
    expect(names("SELECT Name FROM Account WHERE Type != 'Customer' ORDER BY Name")).toEqual(['Globex', 'Initech 100%_off']);
  });

  it('compares numbers with < <= > >=, decimals and negatives', () => {
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees > 40')).toEqual(['Acme Corp']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees >= 40 ORDER BY Name')).toEqual(['Acme Corp', 'Globex']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees < 40')).toEqual(['hooli']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees <= 7')).toEqual(['hooli']);
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue < -1.5')).toEqual(['Globex']);
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue = 1500000.5')).toEqual(['Acme Corp']);
  });

  it('!= keeps null values for numbers, dates and date literals too', () => {
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees != 40 ORDER BY Name')).toEqual(['Acme Corp', 'hooli', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c != 2026-11-20 ORDER BY Name', { includeDeleted: true })).toEqual(['Acme Corp', 'hooli', 'Initech 100%_off', 'Umbrella']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c != THIS_YEAR ORDER BY Name', { includeDeleted: true })).toEqual(['Acme Corp', 'hooli', 'Umbrella']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c NOT IN (2020-03-01, 2023-12-31) ORDER BY Name', { includeDeleted: true })).toEqual(['Globex', 'Initech 100%_off', 'Umbrella']);
  });

  it('compares strings with < and >', () => {
    expect(names("SELECT Name FROM Account WHERE Name < 'H' ORDER BY Name")).toEqual(['Acme Corp', 'Globex']);
    expect(names("SELECT Name FROM Account WHERE Name >= 'h' ORDER BY Name")).toEqual(['hooli', 'Initech 100%_off']);
  });

  it('matches LIKE with % and _ case-insensitively, and escaped \\% \\_ literally', () => {
    expect(names("SELECT Name FROM Account WHERE Name LIKE 'ac%'")).toEqual(['Acme Corp']);
    expect(names("SELECT Name FROM Account WHERE Name LIKE '_lobe_'")).toEqual(['Globex']);
    expect(names("SELECT Name FROM Account WHERE Name LIKE '%100\\%\\_off'")).toEqual(['Initech 100%_off']);
    expect(names("SELECT Name FROM Account WHERE Name LIKE '%100\\%x%'")).toEqual([]);
    expect(names("SELECT Name FROM Account WHERE Type LIKE '%customer'")).toEqual(['Acme Corp', 'Globex', 'hooli']);
  });

  it('handles IN, NOT IN (which keeps nulls) and null in the list', () => {
    expect(names("SELECT Name FROM Account WHERE Type IN ('customer', 'Partner') ORDER BY Name")).toEqual(['Acme Corp', 'hooli', 'Initech 100%_off']);
    expect(names("SELECT Name FROM Account WHERE Type NOT IN ('Customer', 'Partner')")).toEqual(['Globex']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees IN (7, 40) ORDER BY Name')).toEqual(['Globex', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees IN (null, 7) ORDER BY Name')).toEqual(['hooli', 'Initech 100%_off']);
    expect(names("SELECT Name FROM Account WHERE OwnerId NOT IN ('005SB0000000000001')")).toEqual(['Globex', 'Initech 100%_off']);
  });

  it('handles = null, != null and booleans', () => {
    expect(names('SELECT Name FROM Account WHERE OwnerId = null')).toEqual(['Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees != null ORDER BY Name')).toEqual(['Acme Corp', 'Globex', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE Active__c = true')).toEqual(['Acme Corp']);
    expect(names('SELECT Name FROM Account WHERE Active__c = FALSE ORDER BY Name')).toEqual(['Globex', 'hooli', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Contact WHERE Inactive_Contact__c != true ORDER BY Name')).toEqual(['Dangling Ref', 'Gina Globex', 'Jane Doe', 'Solo']);
  });

  it('reads string escapes', () => {
    expect(names(`SELECT Name FROM Account WHERE Description = 'It\\'s "quoted" \\\\ back'`)).toEqual(['Acme Corp']);
    expect(names(`SELECT Name FROM Account WHERE Description = 'It\\'s \\"quoted\\" \\\\ back'`)).toEqual(['Acme Corp']);
  });

  it('compares dates and datetimes, with time zone offsets', () => {
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c < 2024-01-01 ORDER BY Name')).toEqual(['Acme Corp', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c = 2026-11-20')).toEqual(['Globex']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate > 2026-11-22T23:00:00Z')).toEqual(['Globex', 'Initech 100%_off']);
    // 2026-11-23T01:00:00+02:00 is 2026-11-22T23:00:00Z
    expect(names('SELECT Name FROM Account WHERE CreatedDate > 2026-11-23T01:00:00+02:00')).toEqual(['Globex', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate = 2026-11-22T23:30:00.000+0000')).toEqual(['Globex']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate >= 2026-11-23T09:15:00Z')).toEqual(['Initech 100%_off']);
  });

  it('evaluates date literals against the clock (now = Monday 2026-11-23 UTC)', () => {
    expect(names('SELECT Name FROM Account WHERE CreatedDate = TODAY')).toEqual(['Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate = YESTERDAY')).toEqual(['Globex']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:1 ORDER BY Name')).toEqual(['Globex', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c = NEXT_N_DAYS:2')).toEqual(['Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c = NEXT_N_DAYS:1')).toEqual([]);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c < LAST_N_YEARS:3')).toEqual(['Acme Corp']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c = LAST_N_YEARS:3')).toEqual(['hooli']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate = THIS_YEAR ORDER BY Name')).toEqual(['Globex', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate = LAST_YEAR', { includeDeleted: true })).toEqual(['Umbrella', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate IN (TODAY, YESTERDAY) ORDER BY Name')).toEqual(['Globex', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c > NEXT_N_YEARS:1')).toEqual([]);
    expect(names('SELECT Name FROM Account WHERE Next_Renewal_Date__c >= THIS_WEEK AND Next_Renewal_Date__c < NEXT_WEEK')).toEqual(['Initech 100%_off']);
  });

  it('combines AND, OR, NOT and parentheses', () => {
    expect(names("SELECT Name FROM Account WHERE Type = 'Customer' AND NumberOfEmployees > 10")).toEqual(['Acme Corp']);
    expect(names("SELECT Name FROM Account WHERE Type = 'Partner' OR NumberOfEmployees = 40 ORDER BY Name")).toEqual(['Globex', 'Initech 100%_off']);
    expect(names("SELECT Name FROM Account WHERE NOT Type = 'Customer' ORDER BY Name")).toEqual(['Globex', 'Initech 100%_off']);
    expect(names("SELECT Name FROM Account WHERE NOT (Type = 'Customer' OR Type = 'Partner')")).toEqual(['Globex']);
    expect(
      names("SELECT Name FROM Account WHERE (Type = 'Customer' AND NumberOfEmployees < 10) OR (Type = 'Partner' AND Partners_Partner_Status__c IN ('Authorized', 'Former')) ORDER BY Name"),
    ).toEqual(['hooli', 'Initech 100%_off']);
    expect(names("SELECT Name FROM Account WHERE Type = 'Customer' AND (NOT Name LIKE 'a%') AND ((NumberOfEmployees > 1))")).toEqual(['hooli']);
  });

  it('filters on parent fields (missing parents are null)', () => {
    expect(names("SELECT Name FROM Contact WHERE Account.Type IN ('Customer', 'Former Customer') ORDER BY Name")).toEqual(['Gina Globex', 'Jane Doe', 'John Roe']);
    expect(names('SELECT Name FROM Contact WHERE Account.Name = null ORDER BY Name')).toEqual(['Dangling Ref', 'Solo']);
    expect(names("SELECT Name FROM Contact WHERE Account.Owner.Name LIKE 'Ada%' ORDER BY Name")).toEqual(['Jane Doe', 'John Roe']);
  });

  it('supports INCLUDES and EXCLUDES on multi-select values', () => {
    expect(names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('emea')")).toEqual(['Acme Corp']);
    expect(names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('AMER;EMEA', 'APAC') ORDER BY Name")).toEqual(['Acme Corp', 'Globex']);
    expect(names("SELECT Name FROM Account WHERE Regions__c EXCLUDES ('APAC') ORDER BY Name")).toEqual(['Acme Corp', 'hooli', 'Initech 100%_off']);
  });

  it('supports date functions in WHERE (UTC)', () => {
    expect(names('SELECT Name FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2026 ORDER BY Name')).toEqual(['Globex', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account WHERE CALENDAR_YEAR(Next_Renewal_Date__c) < 2024 ORDER BY Name')).toEqual(['Acme Corp', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE CALENDAR_MONTH(CreatedDate) IN (1, 12) ORDER BY Name')).toEqual(['Acme Corp', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE CALENDAR_QUARTER(Next_Renewal_Date__c) = 1')).toEqual(['Acme Corp']);
    expect(names('SELECT Name FROM Account WHERE DAY_IN_WEEK(CreatedDate) = 2')).toEqual(['Initech 100%_off']); // Monday
    expect(names('SELECT Name FROM Account WHERE HOUR_IN_DAY(CreatedDate) >= 23 ORDER BY Name')).toEqual(['Globex', 'hooli']);
    expect(names('SELECT Name FROM Account WHERE DAY_IN_YEAR(CreatedDate) = 365')).toEqual(['hooli']);
    expect(names('SELECT Name FROM Account WHERE DAY_ONLY(CreatedDate) = 2026-11-22')).toEqual(['Globex']);
    expect(failure('SELECT Id FROM Account WHERE CALENDAR_YEAR(Name) = 2024').errorCode).toBe('INVALID_FIELD');
    expect(failure("SELECT Id FROM Account WHERE CALENDAR_YEAR(CreatedDate) = '2024'").message).toContain('must be of type int');
  });

  it('supports semi-joins (Id IN (SELECT ... FROM Child))', () => {
    expect(names("SELECT Name FROM Account WHERE Id IN (SELECT Account__c FROM Customer_Subscription__c WHERE Entitled_Seats__c < 5)")).toEqual(['Globex']);
    expect(names('SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact) ORDER BY Name')).toEqual(['hooli', 'Initech 100%_off']);
  });

  it('leaves deleted records out of query and in for queryAll', () => {
    expect(ids('SELECT Id FROM Account')).not.toContain(A4);
    expect(run('SELECT Id FROM Account', { includeDeleted: true }).records.map((r) => r.Id)).toContain(A4);
    expect(names('SELECT Name FROM Account WHERE IsDeleted = true', { includeDeleted: true })).toEqual(['Umbrella']);
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  it('sorts ascending with nulls first by default, descending with nulls last, case-insensitively', () => {
    expect(names('SELECT Name FROM Account ORDER BY NumberOfEmployees')).toEqual(['Initech 100%_off', 'hooli', 'Globex', 'Acme Corp']);
    expect(names('SELECT Name FROM Account ORDER BY NumberOfEmployees DESC')).toEqual(['Acme Corp', 'Globex', 'hooli', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account ORDER BY NumberOfEmployees ASC NULLS LAST')).toEqual(['hooli', 'Globex', 'Acme Corp', 'Initech 100%_off']);
    expect(names('SELECT Name FROM Account ORDER BY NumberOfEmployees DESC NULLS FIRST')).toEqual(['Initech 100%_off', 'Acme Corp', 'Globex', 'hooli']);
    expect(names('SELECT Name FROM Account ORDER BY Name')).toEqual(['Acme Corp', 'Globex', 'hooli', 'Initech 100%_off']);
  });

  it('sorts by several keys, by dates and by parent fields', () => {
    expect(names('SELECT Name FROM Account ORDER BY Type DESC, Name ASC')).toEqual(['Initech 100%_off', 'Globex', 'Acme Corp', 'hooli']);
    expect(names('SELECT Name FROM Account ORDER BY CreatedDate DESC')).toEqual(['Initech 100%_off', 'Globex', 'hooli', 'Acme Corp']);
    expect(names('SELECT Name FROM Contact ORDER BY Account.Name DESC NULLS LAST, Name')).toEqual(['Gina Globex', 'Jane Doe', 'John Roe', 'Dangling Ref', 'Solo']);
  });

  it('applies OFFSET then LIMIT, and totalSize counts what is returned', () => {
    const r = run('SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1');
    expect(r.records.map((x) => x.Name)).toEqual(['Globex', 'hooli']);
    expect(r.totalSize).toBe(2);
    expect(names('SELECT Name FROM Account ORDER BY Name LIMIT 0')).toEqual([]);
  });
});

describe('errors, as Salesforce answers them', () => {
  it('unknown column: INVALID_FIELD with the position and the hint', () => {
    const e = failure('SELECT Id, Foo FROM Account');
    expect(e.errorCode).toBe('INVALID_FIELD');
    expect(e.status).toBe(400);
    expect(e.message).toContain("No such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c'");
    expect(e.message).toContain('ERROR at Row:1:Column:12');
    expect(e.toBody()).toEqual([{ message: e.message, errorCode: 'INVALID_FIELD' }]);
  });

  it('unknown column in WHERE, ORDER BY, a parent path or a subquery', () => {
    expect(failure("SELECT Id FROM Account WHERE Bogus__c = 'x'").message).toContain("No such column 'Bogus__c' on entity 'Account'");
    expect(failure('SELECT Id FROM Account ORDER BY Nope').errorCode).toBe('INVALID_FIELD');
    expect(failure('SELECT Account.Nope FROM Contact').message).toContain("No such column 'Nope' on entity 'Account'");
    expect(failure('SELECT Id, (SELECT Nope FROM Contacts) FROM Account').message).toContain("No such column 'Nope' on entity 'Contact'");
  });

  it('unknown relationships', () => {
    const e = failure('SELECT Foo__r.Name FROM Account');
    expect(e.errorCode).toBe('INVALID_FIELD');
    expect(e.message).toContain("Didn't understand relationship 'Foo__r' in field path");
    const c = failure('SELECT Id, (SELECT Id FROM Nothing__r) FROM Account');
    expect(c.errorCode).toBe('INVALID_TYPE');
    expect(c.message).toContain("Didn't understand relationship 'Nothing__r' in FROM part of query call");
  });

  it('unknown object: INVALID_TYPE', () => {
    const e = failure('SELECT Id FROM Widget');
    expect(e.errorCode).toBe('INVALID_TYPE');
    expect(e.message).toContain("sObject type 'Widget' is not supported");
  });

  it('a standard object with no records answers totalSize 0, as every org has it', () => {
    expect(run('SELECT Id, Amount, StageName FROM Opportunity')).toMatchObject({ totalSize: 0, records: [] });
  });

  it('syntax errors and mixed AND/OR without parentheses: MALFORMED_QUERY', () => {
    expect(failure('SELECT Id FROM').errorCode).toBe('MALFORMED_QUERY');
    expect(failure('SELEC Id FROM Account').errorCode).toBe('MALFORMED_QUERY');
    const mixed = failure("SELECT Id FROM Account WHERE Type = 'a' AND Name = 'b' OR Name = 'c'");
    expect(mixed.errorCode).toBe('MALFORMED_QUERY');
  });

  it('a value of the wrong type for the field: INVALID_FIELD', () => {
    expect(failure("SELECT Id FROM Account WHERE NumberOfEmployees = '7'").message).toBe(
      "value of filter criterion for field 'NumberOfEmployees' must be of type int and should not be enclosed in quotes",
    );
    expect(failure('SELECT Id FROM Account WHERE Name = 7').message).toContain('must be of type string and should be enclosed in quotes');
    expect(failure("SELECT Id FROM Account WHERE Active__c = 'true'").errorCode).toBe('INVALID_FIELD');
    expect(failure("SELECT Id FROM Account WHERE CreatedDate > '2024-01-01'").errorCode).toBe('INVALID_FIELD');
  });

  it('known fields come from the describe plus the records, types from the describe', () => {
    const seed = smallOrg();
    seed.describe = { Account: { fields: [{ name: 'Id', type: 'id' }, { name: 'Only_In_Describe__c', type: 'double' }, { name: 'Name', type: 'string' }] } };
    const local = new SfDatabase(seed);
    expect(evaluateQuery(local, `SELECT Only_In_Describe__c, Type FROM Account WHERE Id = '${A2}'`).records[0]).toMatchObject({ Only_In_Describe__c: null, Type: 'Former Customer' });
    expect(() => evaluateQuery(local, "SELECT Id FROM Account WHERE Only_In_Describe__c = 'x'")).toThrow(/must be of type double/);
  });

  it('unsupported SOQL features fail loudly instead of answering wrongly', () => {
    expect(failure('SELECT Type, COUNT(Id) FROM Account GROUP BY Type').errorCode).toBe('MALFORMED_QUERY');
    expect(failure("SELECT Id FROM Account WHERE DISTANCE(Loc__c, GEOLOCATION(1, 2), 'mi') < 20").message).toContain('not supported by the zdsf sandbox');
  });
});

describe('the database', () => {
  it('infers field types and references without a describe', () => {
    const d = db.describeModel('Account');
    const byName = Object.fromEntries((d?.fields ?? []).map((f) => [f.name, f]));
    expect(byName.NumberOfEmployees.type).toBe('int');
    // a standard field's type comes from Salesforce's standard object, not from the value (1.5e6 is a currency)
    expect(byName.AnnualRevenue.type).toBe('currency');
    expect(byName.Active__c.type).toBe('boolean');
    expect(byName.Next_Renewal_Date__c.type).toBe('date');
    expect(byName.CreatedDate.type).toBe('datetime');
    expect(byName.OwnerId).toMatchObject({ type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' });
    expect(d?.childRelationships).toEqual(
      expect.arrayContaining([
        { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
        { relationshipName: 'Customer_Subscriptions__r', childSObject: 'Customer_Subscription__c', field: 'Account__c' },
      ]),
    );
    const subs = db.describeModel('Customer_Subscription__c');
    expect(subs?.fields.find((f) => f.name === 'Account__c')).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account__r' });
  });

  it('finds any record by Id through one global index (parents are never scanned)', () => {
    expect(db.recordById(A1)?.table.name).toBe('Account');
    expect(db.recordById('003SB0000000000001')?.record.Email).toBe('jane@acme.test');
    expect(db.recordById('nope')).toBeUndefined();
  });
});
