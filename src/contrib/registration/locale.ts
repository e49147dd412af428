import type { Catalog } from '../translation/index.js'

/** Translations of the registration handlers' replies, and of a few language names. */
export const catalogs: Record<string, Catalog> = {
  fr: {
    'To register, send JOIN <NAME>': 'Pour vous inscrire, envoyez JOIN <NOM>',
    'Thank you for registering, %(name)s!': 'Merci de votre inscription, %(name)s !',
    'Sorry, a name can have at most %(max)s characters.': 'Désolé, un nom peut avoir au plus %(max)s caractères.',
    'To set your language, send LANGUAGE <CODE>': 'Pour choisir votre langue, envoyez LANGUAGE <CODE>',
    'You must JOIN or REGISTER yourself before you can set your language preference.':
      'Vous devez vous inscrire (JOIN ou REGISTER) avant de pouvoir choisir votre langue.',
    'Sorry, I don\'t speak "%(language)s".': 'Désolé, je ne parle pas « %(language)s ».',
    'I will speak to you in %(language)s.': 'Je vous parlerai en %(language)s.',
    English: 'anglais',
    'British English': 'anglais britannique',
    French: 'français',
    Spanish: 'espagnol',
    Arabic: 'arabe',
    Swahili: 'swahili',
    Portuguese: 'portugais',
    German: 'allemand',
  },
  ar: {
    'To register, send JOIN <NAME>': 'للتسجيل، أرسل JOIN <الاسم>',
    'Thank you for registering, %(name)s!': 'شكرًا لتسجيلك، %(name)s!',
    'Sorry, a name can have at most %(max)s characters.': 'عذرًا، لا يمكن أن يزيد الاسم عن %(max)s حرفًا.',
    'To set your language, send LANGUAGE <CODE>': 'لاختيار لغتك، أرسل LANGUAGE <الرمز>',
    'You must JOIN or REGISTER yourself before you can set your language preference.': 'يجب أن تسجّل نفسك (JOIN أو REGISTER) قبل أن تختار لغتك.',
    'Sorry, I don\'t speak "%(language)s".': 'عذرًا، لا أتكلم "%(language)s".',
    'I will speak to you in %(language)s.': 'سأتحدث إليك بـ%(language)s.',
    English: 'الإنجليزية',
    French: 'الفرنسية',
    Arabic: 'العربية',
    Swahili: 'السواحيلية',
  },
  sw: {
    'To register, send JOIN <NAME>': 'Ili kujisajili, tuma JOIN <JINA>',
    'Thank you for registering, %(name)s!': 'Asante kwa kujisajili, %(name)s!',
    'Sorry, a name can have at most %(max)s characters.': 'Samahani, jina haliwezi kuzidi herufi %(max)s.',
    'To set your language, send LANGUAGE <CODE>': 'Ili kuchagua lugha yako, tuma LANGUAGE <MSIMBO>',
    'You must JOIN or REGISTER yourself before you can set your language preference.': 'Lazima ujisajili (JOIN au REGISTER) kabla ya kuchagua lugha yako.',
    'Sorry, I don\'t speak "%(language)s".': 'Samahani, sizungumzi "%(language)s".',
    'I will speak to you in %(language)s.': 'Nitazungumza nawe kwa %(language)s.',
    English: 'Kiingereza',
    French: 'Kifaransa',
    Arabic: 'Kiarabu',
    Swahili: 'Kiswahili',
  },
}
