exports.onExecutePostLogin = async (event, api) => { try { api.idToken.setCustomClaim('a', 1); } catch (e) { /* swallowed */ } };
