const axios = require('axios');
exports.onExecutePostLogin = async () => {};
