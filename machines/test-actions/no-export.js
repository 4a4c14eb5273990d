exports.onExecutePreLogin = async () => {};
