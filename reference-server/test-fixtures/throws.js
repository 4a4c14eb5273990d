// Test Action: fails at run time.
exports.onExecutePostLogin = async () => {
  throw new Error('upstream check unavailable');
};
