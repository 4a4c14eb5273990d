exports.onExecutePostLogin = async () => { throw new Error('the Action failed on purpose'); };
