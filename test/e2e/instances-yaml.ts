// The `version`, `salesforce` and `zendesk` head of a sync.yaml for the e2e tests that write their own config
// against one sandbox: Salesforce `sf` by access token, Zendesk `zd` by API token, all from the env the sandbox
// helpers set (SF_LOGIN_URL, SF_ACCESS_TOKEN, ZD_URL, ZD_API_TOKEN). A test appends its `syncs:` section.
export const SF_ZD_INSTANCES = `version: 1
salesforce:
  sf:
    login_url: \${SF_LOGIN_URL}
    auth: { method: access_token, token: "\${SF_ACCESS_TOKEN}" }
zendesk:
  zd:
    url: \${ZD_URL}
    auth: { method: api_token, email: ops@example.com, token: "\${ZD_API_TOKEN}" }
`;
