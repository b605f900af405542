import { describe, expect, it } from 'vitest';
import {
  buildAccountQuery,
  buildPeopleQuery,
  buildRetentionQuery,
  buildSyncQueries,
  countQuery,
  escapeSoqlString,
  normalizeFieldPath,
  soqlString,
  templateFields,
} from '../../src/salesforce/soql.js';
import { organizations, sync, users } from './fixtures.js';

describe('escapeSoqlString', () => {
  it('escapes backslash first, then the single quote', () => {
    expect(escapeSoqlString("O'Brien")).toBe("O\\'Brien");
    expect(escapeSoqlString('C:\\dir')).toBe('C:\\\\dir');
    // a backslash followed by a quote: the backslash is doubled, then the quote escaped (not \\\\' + ')
    expect(escapeSoqlString("\\'")).toBe("\\\\\\'");
    expect(soqlString("it's")).toBe("'it\\'s'");
  });

  it('cannot be used to break out of the literal', () => {
    const hostile = "x') OR (Name LIKE '%";
    const lit = soqlString(hostile);
    // every quote inside the literal is preceded by an odd number of backslashes
    const inner = lit.slice(1, -1);
    for (let i = 0; i < inner.length; i += 1) {
      if (inner[i] !== "'") continue;
      let n = 0;
      for (let j = i - 1; j >= 0 && inner[j] === '\\'; j -= 1) n += 1;
      expect(n % 2).toBe(1);
    }
  });
});

describe('field paths', () => {
  it('strips the queried object own prefix only', () => {
    expect(normalizeFieldPath('Account', 'Account.Type')).toBe('Type');
    expect(normalizeFieldPath('Account', 'account.Type')).toBe('Type');
    expect(normalizeFieldPath('Account', 'Owner.Name')).toBe('Owner.Name');
    expect(normalizeFieldPath('Contact', 'Account.Name')).toBe('Account.Name');
    expect(normalizeFieldPath('Contact', 'Contact.Email')).toBe('Email');
    expect(normalizeFieldPath('Lead', 'Lead.Company')).toBe('Company');
  });

  it('finds template references', () => {
    expect(templateFields('{Name} ({Owner.Name}) { Type }')).toEqual(['Name', 'Owner.Name', 'Type']);
    expect(templateFields('no refs')).toEqual([]);
  });
});

describe('Account query', () => {
  it('selects Id, Name, CreatedDate only for a bare organizations section', () => {
    const q = buildAccountQuery(sync({ organizations: organizations() }));
    expect(q?.soql).toBe('SELECT Id, Name, CreatedDate FROM Account');
    expect(q?.children).toEqual([]);
  });

  it('selects every mapped field once, case-insensitively, with includes, record types and the where', () => {
    const s = sync({
      organizations: organizations({
        where: "Type IN ('Customer', 'Former Customer') OR (Type = 'Partner' AND Partners_Partner_Status__c IN ('Authorized', 'Former'))",
        record_types: ['Customer', "O'Brien\\Co"],
        name: { kind: 'field', from: 'Account.Name', name: 'n' },
        domain_names: { kind: 'field', from: 'Domain_Mapping__c', name: 'd' },
        notes: { kind: 'field', from: 'Description', name: 'notes' },
        details: { kind: 'template', template: '{Account.Type} owned by {Owner.Name}, {BillingCity}', name: 'details' },
        fields: {
          salesforce_id: { kind: 'field', from: 'Account.Account_ID_18__c', name: 'f1' },
          account_owner: { kind: 'field', from: 'owner.name', name: 'f2' },
          health: { kind: 'field', from: 'GS_Health_Score_Color__c', map: { Green: 'healthy' }, default: 'unknown', name: 'f3' },
          seats: { kind: 'field', from: 'Customer_Subscriptions__r.Entitled_Seats__c', aggregate: 'sum', name: 'f4' },
          plans: { kind: 'field', from: 'customer_subscriptions__r.Plan_Name__c', aggregate: 'join', name: 'f5' },
          zuora: { kind: 'field', from: 'Zuora__Subscriptions__r', aggregate: 'count', name: 'f6' },
          region: { kind: 'value', value: 'emea', name: 'f7' },
          type_again: { kind: 'field', from: 'TYPE', name: 'f8' },
        },
        include: [
          {
            relationship: 'Customer_Subscriptions__r',
            where: "Current_Subscription_Status__c = 'Active'",
            fields: ['Customer_Subscriptions__r.Current_Term_End_Date__c', 'Entitled_Seats__c'],
          },
          { relationship: 'Zuora__Subscriptions__r', where: "Zuora__Status__c = 'Active'", fields: [] },
        ],
        tags: { prefix: 'sf_', from: ['Type', 'Account.Account_Demographics_Geo__c'], static: ['salesforce'] },
      }),
      users: users({
        create_for_new_organizations: {
          from: 'Zuora__R00N40000001kyLcEAI__r',
          email: 'Zuora__SoldToWorkEmail__c',
          name: 'Zuora__R00N40000001kyLcEAI__r.Name',
        },
      }),
    });
    const q = buildAccountQuery(s);
    expect(q?.soql).toBe(
      'SELECT Id, Name, CreatedDate, Domain_Mapping__c, Description, Type, Owner.Name, BillingCity, Account_ID_18__c, ' +
        'GS_Health_Score_Color__c, Account_Demographics_Geo__c, ' +
        "(SELECT Id, Current_Term_End_Date__c, Entitled_Seats__c, Plan_Name__c FROM Customer_Subscriptions__r WHERE Current_Subscription_Status__c = 'Active'), " +
        "(SELECT Id FROM Zuora__Subscriptions__r WHERE Zuora__Status__c = 'Active'), " +
        '(SELECT Id, Zuora__SoldToWorkEmail__c, Name FROM Zuora__R00N40000001kyLcEAI__r) ' +
        "FROM Account WHERE (Type IN ('Customer', 'Former Customer') OR (Type = 'Partner' AND Partners_Partner_Status__c IN ('Authorized', 'Former'))) " +
        "AND (RecordType.DeveloperName IN ('Customer', 'O\\'Brien\\\\Co'))",
    );
    expect(q?.children.map((c) => c.relationship)).toEqual([
      'Customer_Subscriptions__r',
      'Zuora__Subscriptions__r',
      'Zuora__R00N40000001kyLcEAI__r',
    ]);
    // no field selected twice, case-insensitively
    const lowered = q!.fields.map((f) => f.toLowerCase());
    expect(new Set(lowered).size).toBe(lowered.length);
  });

  it('adds a subquery for an aggregate over a relationship that is not included, and record types alone', () => {
    const q = buildAccountQuery(
      sync({
        organizations: organizations({
          record_types: ['Customer'],
          fields: { opps: { kind: 'field', from: 'Opportunities.Amount', aggregate: 'sum', name: 'f' } },
        }),
      }),
    );
    expect(q?.soql).toBe(
      "SELECT Id, Name, CreatedDate, (SELECT Id, Amount FROM Opportunities) FROM Account WHERE RecordType.DeveloperName IN ('Customer')",
    );
  });

  it('merges create_for_new_organizations into an include of the same relationship', () => {
    const q = buildAccountQuery(
      sync({
        organizations: organizations({ include: [{ relationship: 'Contacts', where: 'Sold_To__c = true', fields: [] }] }),
        users: users({ create_for_new_organizations: { from: 'contacts', email: 'Email', name: 'Name' } }),
      }),
    );
    expect(q?.soql).toBe('SELECT Id, Name, CreatedDate, (SELECT Id, Email, Name FROM Contacts WHERE Sold_To__c = true) FROM Account');
  });
});

describe('people queries', () => {
  it('builds the Contact query with AccountId, Account.Name and every user mapping', () => {
    const s = sync({
      users: users({
        sources: [
          { object: 'Contact', where: 'Inactive_Contact__c = false', record_types: ['Customer_Contact'] },
          { object: 'Lead', where: 'IsConverted = false' },
        ],
        email: 'Contact.Email',
        name: { kind: 'template', template: '{FirstName} {LastName}', name: 'n' },
        phone: { kind: 'field', from: 'Phone', name: 'p' },
        fields: {
          salesforce_contact_id: { kind: 'field', from: 'Id', name: 'f1' },
          account_type: { kind: 'field', from: 'Account.Type', name: 'f2' },
          title: { kind: 'field', from: 'contact.title', name: 'f3' },
        },
        tags: { prefix: 'sf_', from: ['Title', 'LeadSource'], static: [] },
      }),
    });
    const [contact, lead] = buildSyncQueries(s).people;
    expect(contact.soql).toBe(
      'SELECT Id, CreatedDate, Email, AccountId, Account.Name, FirstName, LastName, Phone, Account.Type, title, LeadSource ' +
        "FROM Contact WHERE (Inactive_Contact__c = false) AND (RecordType.DeveloperName IN ('Customer_Contact'))",
    );
    // Leads have no Account: paths through it are left out rather than refused by Salesforce
    expect(lead.soql).toBe(
      'SELECT Id, CreatedDate, Email, FirstName, LastName, Phone, title, LeadSource FROM Lead WHERE IsConverted = false',
    );
    expect(contact.purpose).toBe('users (Contact)');
  });

  it('reads the configured email field', () => {
    const q = buildPeopleQuery(sync({ users: users({ email: 'Work_Email__c' }) }), { object: 'Contact' });
    expect(q.soql).toBe('SELECT Id, CreatedDate, Work_Email__c, AccountId, Account.Name, Name FROM Contact');
  });
});

describe('relations and retention', () => {
  it('reads AccountContactRelation only when secondary relationships are on', () => {
    expect(buildSyncQueries(sync({ users: users() })).relations).toBeUndefined();
    const on = buildSyncQueries(sync({ users: users({ relationships: { primary: true, secondary: true } }) }));
    expect(on.relations?.soql).toBe('SELECT Id, AccountId, ContactId, IsDirect, IsActive FROM AccountContactRelation WHERE IsDirect = false');
  });

  it('builds the retention query from delete_when', () => {
    const s = sync({
      organizations: organizations({
        retention: { delete_when: "Type = 'Former Customer' AND Next_Renewal_Date__c < LAST_N_YEARS:3" },
      }),
    });
    expect(buildRetentionQuery(s)?.soql).toBe(
      "SELECT Id FROM Account WHERE (Type = 'Former Customer' AND Next_Renewal_Date__c < LAST_N_YEARS:3)",
    );
    expect(buildSyncQueries(sync({ organizations: organizations() })).retention).toBeUndefined();
  });

  it('builds a COUNT() query with the same condition', () => {
    const q = buildPeopleQuery(sync({ users: users() }), { object: 'Lead', where: 'IsConverted = false' });
    expect(countQuery(q)).toBe('SELECT COUNT() FROM Lead WHERE IsConverted = false');
  });

  it('builds nothing for a sync without organizations or users', () => {
    expect(buildSyncQueries(sync())).toEqual({ people: [] });
  });
});
