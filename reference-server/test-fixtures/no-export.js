// Test Action: exports no onExecutePostLogin.
exports.onExecutePreUserRegistration = async () => {};
