// Shows the decision of this page, once the client is ready.
(window.clientCanaryQueue ||= []).push(async (client) => {
  await client.ready();
  const d = client.decide('app');
  document.getElementById('decision').textContent = [
    `user id   ${client.context().userId} (${d.userIdSource})`,
    `bucket    ${d.bucket} of 0-9999, canary below ${Math.round(d.percentage * 100)}`,
    `variant   ${d.variant} (${d.reason}), revision ${d.revision}`,
    `greeting  ${client.flag('greeting', '(default)')}`,
  ].join('\n');
});
document.getElementById('new-user').addEventListener('click', () => {
  localStorage.removeItem('client-canary:uid');
  document.cookie = 'client_canary_uid=; Path=/; Max-Age=0';
  location.reload();
});
