// A real OpenID Connect provider (npm oidc-provider) on 127.0.0.1 for the single sign-on tests.
// node oidc_provider.mjs PORT REDIRECT_URI [tamper]
// Accounts sign in on the provider's own development login page with any password; their groups
// are below. With "tamper", a man in the middle rewrites each ID token's groups to an admin group
// without re-signing it, as an attacker would.
import Provider from 'oidc-provider';

const [port, redirectUri, mode] = process.argv.slice(2);
const groups = {
  'ann.north': ['CW-Managers', 'CW-North'],
  'andy.analyst': ['CW-Analysts'],
  'fred.finance': ['Finance'],
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'carewatch',
    client_secret: 'test-only-client-secret-0123456789abcdef',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email'], groups: ['groups'] },
  // groups travel in the ID token, as Entra ID sends them
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, preferred_username: id, email: `${id}@council.example`, groups: groups[id] ?? [] }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key'] },
});

if (mode === 'tamper') {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const [header, payload, signature] = ctx.body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url'));
      claims.groups = ['CW-Admins'];
      ctx.body = { ...ctx.body, id_token: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.') };
    }
  });
}

provider.listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));
