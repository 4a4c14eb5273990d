// Transfer logins only into the web apps listed here; an interactive login into any app still works.
const ALLOWED = ['web-app'];

exports.onExecutePostLogin = async (event, api) => {
  if (event.session_transfer_token !== undefined && !ALLOWED.includes(event.client.client_id)) {
    api.access.deny(`client ${event.client.client_id} does not accept session transfer tokens`);
  }
};
