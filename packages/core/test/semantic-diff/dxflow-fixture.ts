import type { SemanticFileChange } from '@conman/core';

/** A DxFlow-style changeset: an entity edited, a page added, the tenant config tuned. */
export const customerBefore = `{
  "name": "customer",
  "label": "Customer",
  "fields": [
    { "name": "id", "type": "string" },
    { "name": "email", "type": "string" },
    { "name": "age", "type": "number" }
  ]
}
`;

export const customerAfter = `{
  "name": "customer",
  "label": "Client",
  "fields": [
    { "name": "id", "type": "string" },
    { "name": "email", "type": "string", "required": true },
    { "name": "phone", "type": "string" }
  ]
}
`;

export const homePage = `{
  "id": "home",
  "title": "Home",
  "route": "/"
}
`;

export const tenantBefore = `# Tenant defaults
name: acme
locale: en-US
features:
  - billing
  - reports
limits:
  users: 50
`;

export const tenantAfter = `# Tenant defaults
name: acme
locale: en-GB
features:
  - billing
limits:
  users: 100
  storage_gb: 20
`;

export const dxflowFiles: SemanticFileChange[] = [
  { status: 'modified', path: 'config/tenant.yml', oldContent: tenantBefore, newContent: tenantAfter },
  { status: 'added', path: 'pages/home.json', newContent: homePage },
  {
    status: 'modified',
    path: 'entities/customer.json',
    oldContent: customerBefore,
    newContent: customerAfter,
  },
];
