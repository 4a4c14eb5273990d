exports.onExecutePostLogin = async (event) => { if (event.user.email === 'x') throw new Error('no'); };
