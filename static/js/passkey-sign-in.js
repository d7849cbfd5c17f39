// Second step of sign-in with a passkey or security key: ask the browser, post the signed answer.
(function () {
  const button = document.getElementById('passkey-button')
  if (!button) return
  button.addEventListener('click', async function () {
    const options = JSON.parse(document.getElementById('passkey-options').textContent)
    try {
      const credential = await window.webauthnJSON.get(options)
      document.getElementById('passkey-credential').value = JSON.stringify(credential)
      document.getElementById('passkey-form').submit()
    } catch (error) {
      console.error(error)
    }
  })
})()
