exports.onExecutePostLogin = async (event, api) => { api.session.setExpiresAt('tomorrow'); };
