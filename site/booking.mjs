// The demo's stand-in booking page: lists the URL parameters the form added to the booking link.
const list = document.getElementById('params');
const params = [...new URLSearchParams(location.search)];
if (params.length === 0) list.replaceWith(Object.assign(document.createElement('p'), { textContent: 'No parameters were passed.' }));
for (const [name, value] of params) {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}
