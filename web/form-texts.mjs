// Texts of <ripen-form> in English, German, French and Spanish, for what a model does not
// give: the fallback contact form, step labels, delivery, confirmations.

// ---- texts the form needs when the model cannot give them ----------------------------------

// The fallback contact form shows these when the model could not be loaded, and the form uses
// them for texts a model may leave out. In the page's language when listed, else English.
export const BUILT_IN = {
  en: {
    learn_more: 'Learn more',
    fallback_title: 'Contact us', fallback_body: 'Leave your details and we will get back to you.',
    name: 'Name', email: 'Work e-mail', message: 'Message', optional: 'optional', send: 'Send',
    error_required: 'Please fill this in.', error_email: 'Please enter an e-mail address.',
    thanks_title: 'Thank you', thanks_body: 'We will get back to you soon.',
    received: 'Your details have been received.', pending: 'Your details are saved on this device and are being sent.',
    error_whole: 'Please enter a whole number.', error_step: 'Please enter a number in steps of {step}.',
    step: 'Step {step} of at most {max}', step_last: 'Step {step} of {max}',
    change: 'Change my answers', restart: 'Not you? Start again', confirm_forget: 'Forget your answers on this device?',
    yes_forget: 'Yes, forget them', keep: 'Keep them',
    talk_to_sales: 'Talk to sales anyway', talk_sent: 'Thank you: our sales team will contact you.',
    talk_note: 'We use your e-mail only to send you these resources and, if you ask, to have sales contact you.',
  },
  de: {
    learn_more: 'Mehr erfahren',
    fallback_title: 'Kontakt', fallback_body: 'Hinterlassen Sie Ihre Angaben, wir melden uns bei Ihnen.',
    name: 'Name', email: 'Geschäftliche E-Mail', message: 'Nachricht', optional: 'optional', send: 'Senden',
    error_required: 'Bitte ausfüllen.', error_email: 'Bitte eine E-Mail-Adresse eingeben.',
    thanks_title: 'Vielen Dank', thanks_body: 'Wir melden uns in Kürze.',
    received: 'Ihre Angaben sind bei uns angekommen.', pending: 'Ihre Angaben sind auf diesem Gerät gespeichert und werden gesendet.',
    error_whole: 'Bitte eine ganze Zahl eingeben.', error_step: 'Bitte eine Zahl in Schritten von {step} eingeben.',
    step: 'Schritt {step} von höchstens {max}', step_last: 'Schritt {step} von {max}',
    change: 'Antworten ändern', restart: 'Nicht Sie? Neu beginnen', confirm_forget: 'Ihre Antworten auf diesem Gerät vergessen?',
    yes_forget: 'Ja, vergessen', keep: 'Behalten',
    talk_to_sales: 'Trotzdem mit dem Vertrieb sprechen', talk_sent: 'Danke: Unser Vertrieb meldet sich bei Ihnen.',
    talk_note: 'Wir nutzen Ihre E-Mail nur für diese Inhalte und, wenn Sie es wünschen, für den Kontakt durch den Vertrieb.',
  },
  fr: {
    learn_more: 'En savoir plus',
    fallback_title: 'Contactez-nous', fallback_body: 'Laissez vos coordonnées, nous vous recontacterons.',
    name: 'Nom', email: 'E-mail professionnel', message: 'Message', optional: 'facultatif', send: 'Envoyer',
    error_required: 'Veuillez remplir ce champ.', error_email: 'Veuillez saisir une adresse e-mail.',
    thanks_title: 'Merci', thanks_body: 'Nous vous recontacterons bientôt.',
    received: 'Vos coordonnées ont bien été reçues.', pending: 'Vos coordonnées sont enregistrées sur cet appareil et en cours d’envoi.',
    error_whole: 'Veuillez saisir un nombre entier.', error_step: 'Veuillez saisir un nombre par pas de {step}.',
    step: 'Étape {step} sur {max} au plus', step_last: 'Étape {step} sur {max}',
    change: 'Modifier mes réponses', restart: 'Ce n’est pas vous ? Recommencer', confirm_forget: 'Oublier vos réponses sur cet appareil ?',
    yes_forget: 'Oui, les oublier', keep: 'Les garder',
    talk_to_sales: 'Parler quand même aux ventes', talk_sent: 'Merci : notre équipe commerciale vous contactera.',
    talk_note: 'Nous utilisons votre e-mail uniquement pour ces contenus et, si vous le demandez, pour un contact commercial.',
  },
  es: {
    learn_more: 'Más información',
    fallback_title: 'Contacto', fallback_body: 'Déjenos sus datos y nos pondremos en contacto.',
    name: 'Nombre', email: 'Correo de trabajo', message: 'Mensaje', optional: 'opcional', send: 'Enviar',
    error_required: 'Rellene este campo.', error_email: 'Introduzca una dirección de correo.',
    thanks_title: 'Gracias', thanks_body: 'Nos pondremos en contacto pronto.',
    received: 'Hemos recibido sus datos.', pending: 'Sus datos están guardados en este dispositivo y se están enviando.',
    error_whole: 'Introduzca un número entero.', error_step: 'Introduzca un número en pasos de {step}.',
    step: 'Paso {step} de {max} como máximo', step_last: 'Paso {step} de {max}',
    change: 'Cambiar mis respuestas', restart: '¿No es usted? Empezar de nuevo', confirm_forget: '¿Olvidar sus respuestas en este dispositivo?',
    yes_forget: 'Sí, olvidarlas', keep: 'Conservarlas',
    talk_to_sales: 'Hablar con ventas de todos modos', talk_sent: 'Gracias: nuestro equipo de ventas se pondrá en contacto.',
    talk_note: 'Usamos su correo solo para enviarle estos contenidos y, si lo pide, para que ventas le contacte.',
  },
};

export function builtIn(language, key) {
  const table = BUILT_IN[language] || BUILT_IN[String(language).split('-')[0]] || BUILT_IN.en;
  return table[key] ?? BUILT_IN.en[key];
}

