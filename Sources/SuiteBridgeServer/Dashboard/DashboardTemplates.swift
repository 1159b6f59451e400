/// The dashboard's Mustache templates and style sheet, compiled in so the binary needs no asset files and the
/// pages load nothing from elsewhere (they work offline).
enum DashboardTemplates {
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · SuiteBridge</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/static/app.css">
        <script src="/static/app.js" defer></script>
        </head>
        <body>
        {{#banner}}<div class="banner" role="status">{{banner}}</div>{{/banner}}
        <header>
          <a class="brand" href="/">SuiteBridge</a>
          {{#session}}
          <nav aria-label="Main"><a href="/">Instances</a> {{#canAdmin}}<a href="/instances/new">Add instance</a> {{/canAdmin}}<a href="/flows">Flows</a> <a href="/errors">Errors</a> <a href="/lookups">Lookups</a> <a href="/alerts">Alerts</a> <a href="/charts">Charts</a> <a href="/audit">Audit log</a></nav>
          <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out {{actor}}</button></form>
          {{/session}}
        </header>
        <main>
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{#error}}<div class="error" role="alert"><strong>{{message}}</strong>{{#remedy}}<br>{{remedy}}{{/remedy}}</div>{{/error}}
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let login = """
        <h1>Log in</h1>
        <form method="post" action="/login">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="token">API token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
          <p class="help">The token `suitebridge serve` printed on its first start, or one made with `suitebridge tokens create NAME`.</p>
          <button type="submit">Log in</button>
        </form>
        """

    static let instances = """
        <h1>Connector instances</h1>
        {{^instances}}<p>No instances yet.{{#canAdmin}} <a href="/instances/new">Add one</a>.{{/canAdmin}}</p>{{/instances}}
        {{#hasInstances}}
        <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Auth method</th><th scope="col">Account</th><th scope="col">Health</th><th scope="col">Certificate</th></tr></thead>
        <tbody>
        {{#instances}}
        <tr>
          <td><a href="{{path}}">{{name}}</a></td>
          <td>{{authName}}{{#tba2027}} <span class="badge amber" title="From NetSuite 2027.1 no new TBA integration can be created; support for existing ones ends later (tentatively 2028.1)">2027.1: migrate</span>{{/tba2027}}{{#migrationState}} <span class="badge">{{migrationState}}</span>{{/migrationState}}</td>
          <td>{{accountId}}</td>
          <td><span class="badge {{health}}">{{health}}</span>{{#lastError}}<br><small>{{lastError}}</small>{{/lastError}}</td>
          <td>{{#expiry}}<span class="badge {{expiryClass}}">{{expiry}}</span>{{/expiry}}{{^expiry}}–{{/expiry}}</td>
        </tr>
        {{/instances}}
        </tbody>
        </table>
        {{/hasInstances}}
        """

    static let newInstance = """
        <h1>Add a connector instance</h1>
        <p>Choose the auth method: <a href="/instances/new?auth=tba"{{#tba}} aria-current="page"{{/tba}}>OAuth 1 (token-based authentication)</a> ·
           <a href="/instances/new?auth=client-credentials"{{#oauth2}} aria-current="page"{{/oauth2}}>OAuth 2 client credentials (machine to machine)</a></p>
        <form method="post" action="/instances">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="auth" value="{{auth}}">
          {{#fields}}
          <div class="field{{#error}} invalid{{/error}}">
            <label for="{{id}}">{{label}}</label>
            {{#multiline}}<textarea id="{{id}}" name="{{id}}" rows="6"{{#required}} required{{/required}} aria-describedby="{{id}}-help">{{value}}</textarea>{{/multiline}}
            {{^multiline}}<input id="{{id}}" name="{{id}}" type="{{type}}" value="{{value}}"{{#required}} required{{/required}} aria-describedby="{{id}}-help" autocomplete="off">{{/multiline}}
            <p class="help" id="{{id}}-help">{{help}}</p>
            {{#error}}<p class="field-error" role="alert">{{error}}</p>{{/error}}
          </div>
          {{/fields}}
          <button type="submit">Add instance</button>
        </form>
        """

    static let instance = """
        <h1>{{instance.name}}</h1>
        <dl class="facts">
          <dt>Auth method</dt><dd>{{instance.authName}}</dd>
          <dt>Account id</dt><dd>{{instance.accountId}} ({{instance.accountKind}})</dd>
          <dt>Realm</dt><dd>{{instance.realm}}</dd>
          <dt>Host</dt><dd>{{instance.host}}</dd>
          {{#instance.signatureMethod}}<dt>Signature method</dt><dd>{{instance.signatureMethod}}</dd>{{/instance.signatureMethod}}
          {{#instance.consumerKey}}<dt>Consumer key</dt><dd>{{instance.consumerKey}}</dd>{{/instance.consumerKey}}
          {{#instance.consumerSecret}}<dt>Consumer secret</dt><dd>{{instance.consumerSecret}}</dd>{{/instance.consumerSecret}}
          {{#instance.tokenId}}<dt>Token id</dt><dd>{{instance.tokenId}}</dd>{{/instance.tokenId}}
          {{#instance.tokenSecret}}<dt>Token secret</dt><dd>{{instance.tokenSecret}}</dd>{{/instance.tokenSecret}}
          {{#instance.clientId}}<dt>Client id</dt><dd>{{instance.clientId}}</dd>{{/instance.clientId}}
          <dt>Health</dt><dd><span class="badge {{instance.health}}">{{instance.health}}</span> {{#instance.lastError}}{{instance.lastError}}{{/instance.lastError}}</dd>
          <dt>Concurrency limit</dt><dd>{{concurrencyLimit}}{{#governance}} — {{detail}} (governanceLimits, {{readAt}}){{/governance}}</dd>
        </dl>
        <section aria-labelledby="test-heading">
          <h2 id="test-heading">Connection</h2>
          {{#canOperate}}
          <form method="post" action="{{instancePath}}/test" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Test connection</button></form>
          <form method="post" action="{{instancePath}}/doctor" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Run doctor</button></form>
          {{/canOperate}}
          {{#test}}<ul class="steps">{{#steps}}<li class="{{#passed}}pass{{/passed}}{{^passed}}fail{{/passed}}">{{name}}: {{detail}}</li>{{/steps}}</ul>{{/test}}
          {{#doctor}}<table><thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Detail</th><th scope="col">Fix</th></tr></thead><tbody>
          {{#checks}}<tr><td>{{name}}</td><td><span class="badge {{status}}">{{status}}</span></td><td>{{detail}}</td><td>{{fix}}</td></tr>{{/checks}}
          </tbody></table>{{/doctor}}
        </section>
        {{#canAdmin}}
        <section aria-labelledby="edit-heading">
          <h2 id="edit-heading">Edit the account id and {{idLabel}}</h2>
          <form method="post" action="{{instancePath}}/edit">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="accountId">Account id</label><input id="accountId" name="accountId" value="{{instance.accountId}}" required>
            <label for="consumerKey">{{idLabel}}</label><input id="consumerKey" name="consumerKey" value="{{currentKey}}" required>
            <button type="submit">Save</button>
          </form>
        </section>
        {{/canAdmin}}
        {{#oauth2}}
        <section aria-labelledby="cert-heading">
          <h2 id="cert-heading">Certificate</h2>
          {{#active}}<p>Active: <code>{{certificateId}}</code>, {{keyType}}, not after {{notAfter}} <span class="badge {{expiryClass}}">{{daysLeftText}}</span></p>{{/active}}
          {{^active}}<p class="error">No active certificate: rotate to make one.</p>{{/active}}
          {{#nextRotation}}<p>Next unattended rotation: {{nextRotation}}</p>{{/nextRotation}}
          {{#canOperate}}{{#active}}
          <form method="post" action="{{instancePath}}/certificates/update-id">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="updateId">Update certificate id (the same certificate, a new id in NetSuite)</label>
            <input id="updateId" name="certificateId" required><button type="submit">Update id</button>
          </form>
          {{/active}}{{/canOperate}}
          {{#pending}}
          <div class="pending">
            <p>Pending {{keyType}} certificate, not after {{notAfter}}. <a href="{{instancePath}}/certificates/pending.pem" download="auth-cert.pem">Download auth-cert.pem</a></p>
            <ol>{{#steps}}<li>{{.}}</li>{{/steps}}</ol>
            {{#canOperate}}
            <form method="post" action="{{instancePath}}/certificates/activate">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <label for="activateId">Certificate id from NetSuite</label>
              <input id="activateId" name="certificateId" required><button type="submit">Activate</button>
            </form>
            {{/canOperate}}
          </div>
          {{/pending}}
          {{#canOperate}}
          <form method="post" action="{{instancePath}}/certificates/rotate" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Rotate: make a new certificate</button></form>
          {{#canAutoRotate}}<form method="post" action="{{instancePath}}/certificates/rotate-auto" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Rotate automatically now</button></form>{{/canAutoRotate}}
          {{/canOperate}}
          <table><thead><tr><th scope="col">Certificate id</th><th scope="col">State</th><th scope="col">Key</th><th scope="col">Not after</th><th scope="col">Revoke</th></tr></thead><tbody>
          {{#certificates}}<tr><td><code>{{certificateId}}</code></td><td>{{state}}</td><td>{{keyType}}</td><td>{{notAfter}}</td>
          <td>{{#canAdmin}}{{#revocable}}<form method="post" action="{{revokePath}}"><input type="hidden" name="csrf" value="{{csrf}}">
          <label><input type="checkbox" name="confirm" value="yes" required> I understand revoking is final</label>{{#isActive}}<input type="hidden" name="force" value="yes">{{/isActive}} <button type="submit">Revoke</button></form>{{/revocable}}{{/canAdmin}}</td></tr>{{/certificates}}
          </tbody></table>
        </section>
        {{/oauth2}}
        {{#tba}}
        <section aria-labelledby="migrate-heading">
          <h2 id="migrate-heading">NetSuite 2027.1: move to OAuth 2</h2>
          <p>From NetSuite 2027.1 no new integration can use token-based authentication; support for existing ones ends later
          (tentatively 2028.1). Move this instance to OAuth 2 client credentials: SuiteBridge makes a linked instance and a
          certificate, proves it, reads the same records through both, and only then moves this instance's flows. This
          instance stays the standby for a rollback.</p>
          {{#migration}}
          <p>Migration to <a href="{{toPath}}">{{to}}</a>: <span class="badge">{{state}}</span>{{#standbyUntil}} — {{from}} is the standby until {{standbyUntil}}{{/standbyUntil}}{{#flowsText}}; flows moved: {{flowsText}}{{/flowsText}}</p>
          {{#hasParity}}<table><thead><tr><th scope="col">Read</th><th scope="col">Through TBA</th><th scope="col">Through OAuth 2</th><th scope="col">Same</th></tr></thead><tbody>
          {{#parity}}<tr><td>{{name}}</td><td>{{tba}}</td><td>{{oauth2}}</td><td><span class="badge {{#matches}}pass{{/matches}}{{^matches}}fail{{/matches}}">{{#matches}}yes{{/matches}}{{^matches}}no{{/matches}}</span></td></tr>{{/parity}}
          </tbody></table>{{/hasParity}}
          {{#prepared}}
          <p><a href="{{toPath}}/certificates/pending.pem" download="auth-cert.pem">Download auth-cert.pem</a>, then in NetSuite:</p>
          <ol>{{#steps}}<li>{{.}}</li>{{/steps}}</ol>
          {{/prepared}}
          {{/migration}}
          {{#canAdmin}}
          {{#canPrepare}}
          <form method="post" action="{{instancePath}}/migrate">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="migrateClientId">Client id (default: this instance's consumer key, the same value on the same integration record)</label>
            <input id="migrateClientId" name="clientId">
            <label for="migrateKey">Key type</label>
            <select id="migrateKey" name="key"><option value="rsa-4096">RSA 4096</option><option value="ec-p256">EC P-256</option><option value="rsa-3072">RSA 3072</option></select>
            <button type="submit">Migrate</button>
          </form>
          {{/canPrepare}}
          {{#migration}}{{#prepared}}
          <form method="post" action="{{instancePath}}/migrate/complete">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="migrateCertificateId">Certificate id from NetSuite</label><input id="migrateCertificateId" name="certificateId" required>
            <label for="migrateKeepDays">Days this instance stays the standby</label><input id="migrateKeepDays" name="keepDays" type="number" min="1" max="365" value="14">
            <button type="submit">Prove, compare and switch</button>
          </form>
          {{/prepared}}
          {{#canRollback}}
          <form method="post" action="{{instancePath}}/migrate/rollback" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{rollbackLabel}}</button></form>
          {{/canRollback}}{{/migration}}
          {{/canAdmin}}
        </section>
        {{/tba}}
        <section aria-labelledby="audit-heading">
          <h2 id="audit-heading">Audit</h2>
          {{> auditTable}}
        </section>
        """

    static let auditTable = """
        <table><thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Instance</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Detail</th></tr></thead><tbody>
        {{#entries}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{instance}}</td><td>{{action}}</td><td>{{outcome}}</td><td>{{detail}}</td></tr>{{/entries}}
        </tbody></table>
        """

    static let audit = """
        <h1>Audit log</h1>
        {{> auditTable}}
        """

    static let flows = """
        <h1>Flows</h1>
        <p class="help">Create flows with `suitebridge flow create` or the API (POST /api/v1/flows){{#canAdmin}}, or <a href="/mirrors/new">mirror NetSuite tables into a database</a>{{/canAdmin}}.</p>
        {{^flows}}<p>No flows yet.</p>{{/flows}}
        {{#hasFlows}}
        <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Instance</th><th scope="col">State</th><th scope="col">Schedule</th><th scope="col">Last run</th><th scope="col">Actions</th></tr></thead>
        <tbody>
        {{#flows}}
        <tr>
          <td><a href="{{path}}">{{name}}</a></td><td>{{kind}}</td><td><a href="{{instancePath}}">{{instance}}</a></td>
          <td><span class="badge {{stateClass}}">{{state}}</span>{{#stateReason}}<br><small>{{stateReason}}</small>{{/stateReason}}</td>
          <td>{{schedule}}</td>
          <td>{{#lastRun}}<a href="{{path}}">{{state}}</a> {{queued}}{{/lastRun}}{{^lastRun}}never{{/lastRun}}</td>
          <td>
            {{#canOperate}}
            <form method="post" action="{{path}}/run" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Run now</button></form>
            {{#active}}<form method="post" action="{{path}}/pause" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Pause</button></form>{{/active}}
            {{^active}}<form method="post" action="{{path}}/resume" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Resume</button></form>{{/active}}
            {{/canOperate}}
          </td>
        </tr>
        {{/flows}}
        </tbody>
        </table>
        {{/hasFlows}}
        """

    static let flow = """
        <h1>{{name}}</h1>
        <dl class="facts">
          <dt>Kind</dt><dd>{{kind}}</dd>
          <dt>Instance</dt><dd><a href="{{instancePath}}">{{instance}}</a></dd>
          <dt>State</dt><dd><span class="badge {{stateClass}}">{{state}}</span> {{stateReason}}</dd>
          {{#schedule}}<dt>Schedule</dt><dd>{{schedule}}, next {{nextRunAt}}</dd>{{/schedule}}
          {{#watermark}}<dt>Watermark</dt><dd>{{watermark}}</dd>{{/watermark}}
          {{#endpoint}}<dt>Endpoint</dt><dd><code>POST {{endpoint}}</code> (signed deliveries)</dd>{{/endpoint}}
          <dt>Definition</dt><dd><pre>{{definition}}</pre></dd>
        </dl>
        {{#canOperate}}<form method="post" action="{{path}}/run" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Run now</button></form>
        {{#isImport}}<form method="post" action="{{path}}/preview" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Preview</button></form>{{/isImport}}{{/canOperate}}
        {{#hasInbox}}<a href="/errors?flow={{name}}">Errors of this flow</a>{{/hasInbox}}
        {{#mappingText}}{{#canAdmin}}
        <h2>Mapping</h2>
        <form method="post" action="{{path}}/mapping">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="mapping">Mapping document (JSON or YAML)</label>
          <textarea id="mapping" name="mapping" rows="14" aria-describedby="mapping-help">{{mappingText}}</textarea>
          <p class="help" id="mapping-help">Per NetSuite field a source (from, const) and steps; a mapping that cannot work is refused, naming the field and step. Preview it before the next run.</p>
          <button type="submit">Save mapping</button>
        </form>
        {{/canAdmin}}{{/mappingText}}
        {{#mirror}}
        <h2>Tables</h2>
        {{#mirrorError}}<p class="field-error" role="alert">The destination could not be read: {{mirrorError}}</p>{{/mirrorError}}
        <table><thead><tr><th scope="col">Table</th><th scope="col">Phase</th><th scope="col">Rows</th><th scope="col">Last change seen</th><th scope="col">Lag</th><th scope="col">Last error</th></tr></thead><tbody>
        {{#tables}}<tr><td>{{table}}</td><td><span class="badge {{phase}}">{{phase}}</span>{{#resumeKey}}<br><small>after key {{resumeKey}}</small>{{/resumeKey}}</td><td>{{rows}}</td><td>{{lastChange}}</td><td>{{lag}}</td><td>{{lastError}}{{#removed}}<br><small>kept, no longer in NetSuite: {{removed}}</small>{{/removed}}</td></tr>{{/tables}}
        </tbody></table>
        {{/mirror}}
        <h2>Runs</h2>
        {{{rowsChart}}}
        {{{secondsChart}}}
        {{> runsTable}}
        """

    static let newMirror = """
        <h1>Mirror NetSuite tables into a database</h1>
        <p class="help">Each table lands typed in your PostgreSQL schema or SQLite file; later runs read only changes and deletions.
           <code>suitebridge mirror tables --instance NAME</code> lists what the instance's role can read.</p>
        <form method="post" action="/mirrors">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#fields}}
          <div class="field{{#error}} invalid{{/error}}">
            <label for="{{id}}">{{label}}</label>
            {{#select}}<select id="{{id}}" name="{{id}}" aria-describedby="{{id}}-help">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/options}}</select>{{/select}}
            {{#checkbox}}<input id="{{id}}" name="{{id}}" type="checkbox" value="on" aria-describedby="{{id}}-help">{{/checkbox}}
            {{#plain}}<input id="{{id}}" name="{{id}}" type="{{type}}" value="{{value}}"{{#required}} required{{/required}} aria-describedby="{{id}}-help" autocomplete="off">{{/plain}}
            <p class="help" id="{{id}}-help">{{help}}</p>
            {{#error}}<p class="field-error" role="alert">{{error}}</p>{{/error}}
          </div>
          {{/fields}}
          <button type="submit">Create mirror</button>
        </form>
        """

    static let runsTable = """
        <table><thead><tr><th scope="col">Run</th><th scope="col">State</th><th scope="col">Trigger</th><th scope="col">Queued</th><th scope="col">Read</th><th scope="col">Written</th><th scope="col">Failed</th><th scope="col">Skipped</th><th scope="col">Seconds</th><th scope="col">Error</th></tr></thead><tbody>
        {{#runs}}<tr><td><a href="{{path}}">{{shortID}}</a></td><td><span class="badge {{stateClass}}">{{state}}</span></td><td>{{trigger}}</td><td>{{queued}}</td><td>{{read}}</td><td>{{written}}</td><td>{{failed}}</td><td>{{skipped}}</td><td>{{seconds}}</td><td>{{error}}</td></tr>{{/runs}}
        </tbody></table>
        """

    static let run = """
        <h1>Run {{shortID}} of <a href="{{flowPath}}">{{flowName}}</a></h1>
        <dl class="facts">
          <dt>State</dt><dd><span class="badge {{stateClass}}">{{state}}</span></dd>
          <dt>Trigger</dt><dd>{{trigger}}</dd>
          <dt>Queued</dt><dd>{{queued}}</dd>
          <dt>Attempts</dt><dd>{{attempts}}</dd>
          <dt>Rows</dt><dd>read {{read}}, written {{written}}, failed {{failed}}, skipped {{skipped}}</dd>
          <dt>Seconds</dt><dd>{{seconds}}</dd>
          {{#error}}<dt>Error</dt><dd>{{error}}</dd>{{/error}}
        </dl>
        {{#log}}<h2>Log</h2><pre>{{log}}</pre>{{/log}}
        {{#hasRefused}}<h2>Refused rows</h2>
        <table><thead><tr><th scope="col">Line</th><th scope="col">External id</th><th scope="col">Why</th><th scope="col">Field</th></tr></thead><tbody>
        {{#refused}}<tr><td>{{line}}</td><td>{{externalId}}</td><td>{{message}}</td><td>{{path}}</td></tr>{{/refused}}
        </tbody></table>{{/hasRefused}}
        """

    static let errors = """
        <h1>Errors</h1>
        <p class="help">Rows imports refused. Fix the value (open an error to edit its row) or the mapping, then retry; an error also resolves itself when a later run upserts the same external id.</p>
        <form method="get" action="/errors" class="inline">
          <label for="flow">Flow</label>
          <select id="flow" name="flow"><option value="">all flows</option>{{#flows}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}} ({{open}} open)</option>{{/flows}}</select>
          <label for="state">State</label>
          <select id="state" name="state">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/states}}</select>
          <button type="submit">Show</button>
        </form>
        {{{chart}}}
        {{#bulk}}{{#canOperate}}<form method="post" action="{{path}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Retry all {{open}} open errors of {{flow}}</button></form>{{/canOperate}}{{/bulk}}
        {{^hasErrors}}<p>No errors here.</p>{{/hasErrors}}
        {{#hasErrors}}
        <table><thead><tr><th scope="col">Error</th><th scope="col">Flow</th><th scope="col">External id</th><th scope="col">State</th><th scope="col">Field</th><th scope="col">What NetSuite said</th><th scope="col">What to do</th><th scope="col">Attempts</th><th scope="col">Last seen</th><th scope="col">Actions</th></tr></thead><tbody>
        {{#errors}}<tr><td><a href="{{path}}">{{shortID}}</a></td><td><a href="{{flowPath}}">{{flow}}</a></td><td>{{externalId}}</td><td><span class="badge {{state}}">{{state}}</span></td><td>{{field}}</td>
          <td>{{code}}: {{message}}</td><td>{{remedy}}</td><td>{{attempts}}</td><td>{{lastSeen}}</td>
          <td>{{#open}}{{#canOperate}}<form method="post" action="{{path}}/retry" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Retry</button></form>
          <form method="post" action="{{path}}/resolve" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Resolve</button></form>
          <form method="post" action="{{path}}/ignore" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Ignore</button></form>{{/canOperate}}{{/open}}</td></tr>{{/errors}}
        </tbody></table>
        {{/hasErrors}}
        """

    static let inboxError = """
        <h1>Error {{shortID}} of <a href="{{flowPath}}">{{flow}}</a></h1>
        <dl class="facts">
          <dt>External id</dt><dd>{{externalId}}</dd>
          <dt>State</dt><dd><span class="badge {{state}}">{{state}}</span>{{#closedBy}} by {{closedBy}}{{/closedBy}}</dd>
          <dt>Code</dt><dd>{{code}}</dd>
          <dt>Field</dt><dd>{{field}}</dd>
          <dt>Message</dt><dd>{{message}}</dd>
          <dt>What to do</dt><dd>{{remedy}}</dd>
          <dt>Line</dt><dd>{{line}}</dd>
          <dt>Attempts</dt><dd>{{attempts}} (first {{firstSeen}}, last {{lastSeen}})</dd>
          {{#body}}<dt>Body sent</dt><dd><pre>{{body}}</pre></dd>{{/body}}
        </dl>
        {{#open}}{{#canOperate}}
        <form method="post" action="{{path}}/edit">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="data">Source row</label>
          <textarea id="data" name="data" rows="10" aria-describedby="data-help">{{sourceRow}}</textarea>
          <p class="help" id="data-help">Change the values (JSON, column → value); saving retries the row at once.</p>
          <button type="submit">Save and retry</button>
        </form>
        {{/canOperate}}{{/open}}
        {{^open}}<h2>Source row</h2><pre>{{sourceRow}}</pre>{{/open}}
        """

    static let preview = """
        <h1>Preview of <a href="{{flowPath}}">{{name}}</a></h1>
        <p class="help">What the first rows would be sent as. Nothing was written to NetSuite.</p>
        {{^hasRows}}<p>The source has no rows.</p>{{/hasRows}}
        {{#hasRows}}<table><thead><tr><th scope="col">Line</th><th scope="col">External id</th><th scope="col">Request body or refusal</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{line}}</td><td>{{externalId}}</td><td>{{#body}}<pre>{{body}}</pre>{{/body}}{{#refusal}}<span class="badge failed">refused</span> {{refusal}}{{/refusal}}</td></tr>{{/rows}}
        </tbody></table>{{/hasRows}}
        """

    static let lookups = """
        <h1>Lookup tables</h1>
        <p class="help">Key → value tables import mappings read with <code>{"lookup": "TABLE"}</code>.</p>
        {{^hasTables}}<p>No lookup tables yet.</p>{{/hasTables}}
        {{#hasTables}}<table><thead><tr><th scope="col">Table</th><th scope="col">Entries</th><th scope="col">Updated</th></tr></thead><tbody>
        {{#tables}}<tr><td><a href="{{path}}">{{name}}</a></td><td>{{entries}}</td><td>{{updated}}</td></tr>{{/tables}}
        </tbody></table>{{/hasTables}}
        {{#canAdmin}}
        <h2>Put entries</h2>
        <form method="post" action="/lookups">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="table">Table</label><input id="table" name="table" required>
          <label for="entries">Entries</label><textarea id="entries" name="entries" rows="8" aria-describedby="entries-help" required></textarea>
          <p class="help" id="entries-help">One entry per line: key,value (the first comma separates them).</p>
          <label><input type="checkbox" name="replace" value="on">Replace the whole table</label>
          <button type="submit">Put</button>
        </form>
        {{/canAdmin}}
        """

    static let lookup = """
        <h1>Lookup table {{name}}</h1>
        <p>{{count}} entries.</p>
        <table><thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead><tbody>
        {{#entries}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/entries}}
        </tbody></table>
        """

    static let alerts = """
        <h1>Alerts</h1>
        <p class="help">Webhooks told of events as JSON with a <code>text</code> field (Slack-compatible), each event once, retried with backoff.</p>
        {{^hasAlerts}}<p>No alerts yet.</p>{{/hasAlerts}}
        {{#hasAlerts}}<table><thead><tr><th scope="col">Alert</th><th scope="col">Webhook</th><th scope="col">Events</th><th scope="col">Actions</th></tr></thead><tbody>
        {{#alerts}}<tr><td>{{name}}</td><td>{{url}}</td><td>{{events}}</td><td>
          {{#canOperate}}<form method="post" action="{{path}}/test" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Send a test</button></form>{{/canOperate}}
          {{#canAdmin}}<form method="post" action="{{path}}/remove" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Remove</button></form>{{/canAdmin}}</td></tr>{{/alerts}}
        </tbody></table>{{/hasAlerts}}
        {{#hasDeliveries}}<h2>Told lately</h2>
        <table><thead><tr><th scope="col">Time</th><th scope="col">Alert</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Tries</th><th scope="col">Text</th></tr></thead><tbody>
        {{#deliveries}}<tr><td>{{at}}</td><td>{{alert}}</td><td>{{kind}}</td><td><span class="badge {{state}}">{{state}}</span>{{#lastError}}<br><small>{{lastError}}</small>{{/lastError}}</td><td>{{attempts}}</td><td>{{text}}</td></tr>{{/deliveries}}
        </tbody></table>{{/hasDeliveries}}
        {{#canAdmin}}
        <h2>Add an alert</h2>
        <form method="post" action="/alerts">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="name">Name</label><input id="name" name="name" required>
          <label for="url">Webhook URL</label><input id="url" name="url" type="url" required aria-describedby="url-help">
          <p class="help" id="url-help">It must pass this server's destination rules (public https, or allowed by the operator).</p>
          <fieldset><legend>Events</legend>
          <label><input type="checkbox" name="runFailed" value="on" checked>A run failed</label>
          <label><input type="checkbox" name="credentialsWaiting" value="on" checked>A flow waits for credentials</label>
          <label><input type="checkbox" name="certificateExpiry" value="on" checked>A certificate has 14, 7 or 1 days left</label>
          <label><input type="checkbox" name="inboxGrowth" value="on" checked>A flow's open errors reach 1, 10, 100, 1,000</label>
          </fieldset>
          <button type="submit">Add</button>
        </form>
        {{/canAdmin}}
        """

    static let charts = """
        <h1>Charts</h1>
        <p class="help">Each account's NetSuite requests over the last 24 hours, a minute at a time, as the servers sharing this store saw them.</p>
        {{^hasAccounts}}<p>No NetSuite requests recorded yet.</p>{{/hasAccounts}}
        {{#accounts}}<h2>{{account}}</h2>{{{requests}}}{{{concurrency}}}{{/accounts}}
        """

    static let stylesheet = """
        :root { font-family: system-ui, sans-serif; color: #1d2430; background: #f7f8fa; }
        body { margin: 0; }
        header { display: flex; gap: 1.5rem; align-items: center; padding: .75rem 1.5rem; background: #1d3557; color: #fff; }
        header a { color: #fff; } .brand { font-weight: 700; text-decoration: none; }
        nav a { margin-right: 1rem; }
        main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        .banner { background: #ffe8a3; padding: .5rem 1.5rem; font-weight: 600; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0; background: #fff; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #dde1e7; vertical-align: top; }
        .badge { display: inline-block; padding: .1rem .5rem; border-radius: .75rem; font-size: .85rem; background: #dde1e7; }
        .healthy, .ok, .pass { background: #cdeccf; } .warning, .amber, .warn { background: #ffe1a8; }
        .unhealthy, .red, .fail, .critical, .failed, .waiting_for_credentials { background: #f8c4c4; }
        .succeeded, .active, .resolved, .sent { background: #cdeccf; } .pending { background: #ffe1a8; } .open { background: #f8c4c4; } .ignored { background: #e4e7ec; } .running, .queued, .paused { background: #ffe1a8; }
        pre { white-space: pre-wrap; background: #fff; padding: .5rem; border: 1px solid #dde1e7; } .untested, .skipped { background: #e4e7ec; }
        .error { background: #fde2e2; border: 1px solid #e39a9a; padding: .75rem; margin: 1rem 0; }
        .flash { background: #e3f4e4; border: 1px solid #9acd9c; padding: .75rem; }
        label { display: block; margin-top: .75rem; font-weight: 600; }
        input, textarea { width: 100%; max-width: 40rem; padding: .4rem; font: inherit; box-sizing: border-box; }
        input[type=checkbox] { width: auto; } label input[type=checkbox] { margin-right: .4rem; }
        .help { color: #55607a; margin: .2rem 0 0; font-size: .9rem; }
        .invalid input, .invalid textarea { border: 2px solid #c0392b; } .field-error { color: #a52a1f; margin: .2rem 0; }
        button { margin-top: .75rem; padding: .45rem .9rem; font: inherit; cursor: pointer; }
        form.inline { display: inline-block; margin-right: .75rem; }
        header form.inline button { margin: 0; }
        dl.facts { display: grid; grid-template-columns: 12rem 1fr; gap: .3rem 1rem; }
        dl.facts dt { font-weight: 600; }
        .steps .pass::before { content: "✔ "; } .steps .fail::before { content: "✘ "; }
        :focus-visible { outline: 3px solid #f4a261; outline-offset: 2px; }
        figure.chart { margin: 1rem 0; background: #fff; border: 1px solid #dde1e7; padding: .5rem; }
        figure.chart > svg { display: block; max-width: 100%; height: auto; }
        .legend { margin-left: 1rem; } .swatch { margin-right: .3rem; vertical-align: middle; }
        """
}
