// Describe results in the REST API's shape: the keys of an object describe and of each field are the ones a
// live org sends (recorded: test/contract/fixtures/live/salesforce.json, "describe Contact"), with values derived
// from the field's type.
import type { FieldInfo, SObjectTable } from './database.js';
import { NUMERIC_TYPES, PEOPLE } from './standard-objects.js';


export function label(name: string): string {
  return name
    .replace(/__c$|__r$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return word.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/i.test(word)) return word + 'es';
  return word + 's';
}

/** GET /sobjects/{object}/describe */
export function describeObject(table: SObjectTable, version: string, instanceUrl: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects/${table.name}`;
  const fields = [...table.fields.values()].map((f) => describeField(f, table));
  const childRelationships = [...table.children.values()].map((c) => ({
    cascadeDelete: false,
    childSObject: c.childObject,
    deprecatedAndHidden: false,
    field: c.field,
    junctionIdListNames: [],
    junctionReferenceTo: [],
    relationshipName: c.name,
    restrictedDelete: false,
  }));
  return {
    activateable: false,
    childRelationships,
    compactLayoutable: true,
    createable: true,
    custom: table.custom,
    customSetting: false,
    deletable: true,
    deprecatedAndHidden: false,
    feedEnabled: false,
    fields,
    keyPrefix: keyPrefix(table),
    label: label(table.name),
    labelPlural: pluralize(label(table.name)),
    layoutable: true,
    listviewable: null,
    lookupLayoutable: null,
    mergeable: PEOPLE.has(table.name) || table.name === 'Account',
    name: table.name,
    queryable: true,
    recordTypeInfos: [],
    replicateable: true,
    retrieveable: true,
    searchLayoutable: true,
    searchable: true,
    triggerable: true,
    undeletable: true,
    updateable: true,
    urls: {
      compactLayouts: `${base}/describe/compactLayouts`,
      describe: `${base}/describe`,
      layouts: `${base}/describe/layouts`,
      quickActions: `${base}/quickActions`,
      rowTemplate: `${base}/{ID}`,
      sobject: base,
      uiDetailTemplate: `${instanceUrl}/{ID}`,
      uiEditTemplate: `${instanceUrl}/{ID}/e`,
      uiNewRecord: `${instanceUrl}/${keyPrefix(table) ?? '000'}/e`,
    },
  };
}

function keyPrefix(table: SObjectTable): string | null {
  const first = table.records.find((r) => typeof r.Id === 'string' && r.Id.length >= 3);
  return first ? first.Id.slice(0, 3) : null;
}

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

/** the distinct values of a picklist without declared values, as Salesforce would list them (at most 1000) */
function observedPicklist(f: FieldInfo, table: SObjectTable): { value: string; label?: string; active?: boolean }[] {
  const seen = new Set<string>();
  for (const rec of table.records) {
    const v = f.get(rec);
    if (typeof v !== 'string' || v === '') continue;
    for (const part of f.type === 'multipicklist' ? v.split(';') : [v]) seen.add(part);
    if (seen.size >= 1000) break;
  }
  return [...seen].sort().map((value) => ({ value, label: value, active: true }));
}

const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'email', 'phone', 'url', 'combobox', 'encryptedstring']);

function describeField(f: FieldInfo, table: SObjectTable): Record<string, unknown> {
  const d = f.describe;
  const picklist = d.picklistValues ?? (f.type === 'picklist' || f.type === 'multipicklist' ? observedPicklist(f, table) : []);
  const custom = d.name.endsWith('__c');
  const text = TEXT_TYPES.has(f.type);
  const declared = (d as { length?: unknown }).length;
  const length = typeof declared === 'number' ? declared : text ? (f.type === 'textarea' ? 32000 : f.type === 'picklist' || f.type === 'multipicklist' ? 255 : f.type === 'phone' ? 40 : f.type === 'email' ? 80 : 255) : f.type === 'id' || f.type === 'reference' ? 18 : 0;
  const numeric = NUMERIC_TYPES.has(f.type);
  const isId = d.name === 'Id';
  return {
    aggregatable: f.type !== 'textarea',
    autoNumber: d.autoNumber ?? false,
    byteLength: f.type === 'id' || f.type === 'reference' ? 18 : text ? length * 3 : 0,
    calculated: d.calculated ?? false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: null,
    controllerName: null,
    createable: d.createable ?? (!isId && !['IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'].includes(d.name)),
    custom,
    // live: null for standard fields (IsDeleted too); a custom checkbox has its default, false unless declared
    defaultValue: f.type === 'boolean' && custom ? false : null,
    defaultValueFormula: null,
    defaultedOnCreate: d.defaultedOnCreate ?? (f.type === 'boolean' || isId || d.name === 'OwnerId'),
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? 9 : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: d.externalId ?? false,
    extraTypeInfo: null,
    filterable: f.type !== 'textarea',
    filteredLookupInfo: null,
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime'].includes(f.type),
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: isId || f.type === 'email',
    inlineHelpText: null,
    label: d.label ?? label(d.name),
    length,
    mask: null,
    maskType: null,
    name: d.name,
    nameField: d.name === 'Name' || (d.name === 'CaseNumber' && table.name === 'Case'),
    namePointing: false,
    nillable: d.nillable ?? (f.type !== 'boolean' && !isId && !['CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'].includes(d.name)),
    permissionable: custom || (!isId && f.type !== 'boolean' && d.name !== 'Name'),
    picklistValues: picklist.map((p) => ({ active: p.active ?? true, defaultValue: false, label: p.label ?? p.value, validFor: null, value: p.value })),
    polymorphicForeignKey: f.type === 'reference' && (d.referenceTo?.length ?? 0) > 1,
    precision: numeric && f.type !== 'int' ? 18 : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: d.referenceTo ?? [],
    relationshipName: d.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: false,
    scale: d.scale ?? (f.type === 'double' || f.type === 'currency' || f.type === 'percent' ? 2 : 0),
    searchPrefilterable: false,
    soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
    sortable: f.type !== 'textarea',
    type: f.type,
    unique: d.unique ?? false,
    updateable: d.updateable ?? (!isId && !['IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'].includes(d.name)),
    writeRequiresMasterRead: false,
  };
}
