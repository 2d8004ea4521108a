"""Multilingual phrase lists (English, German, Portuguese, Dutch, French, Spanish), grouped by theme,
that the trust, goal and payload signals count.

Matching runs on normalised text (see ``normalize_text``: NFKC, zero-width characters removed,
lower-cased, diacritics stripped), so patterns are written lower-case and without accents
("verfugbar" matches "verfügbar"; "ß" stays and is written "(?:ss|ß)"). Each theme compiles once
into one alternation anchored on word boundaries.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_QUOTES = (("\u2018", "'"), ("\u2019", "'"), ("\u02bc", "'"), ("\u00b4", "'"), ("\u2032", "'"),
           ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'))

# Patterns are regex fragments on normalised text; "\s+" between words tolerates line breaks.
THEMES: dict[str, tuple[str, ...]] = {
    "urgency": (
        # en
        r"urgent(?:ly)?", r"immediate(?:ly)?", r"asap", r"as soon as possible", r"right away",
        r"right now", r"within \d+ ?(?:hours?|hrs?|days?|minutes?|mins?)", r"within (?:24|48|72)h",
        r"by (?:the )?end of (?:the )?(?:day|business day)", r"eod", r"by today", r"today only",
        r"deadline", r"expir(?:es|ed|ing|ation)", r"final (?:notice|warning|reminder)",
        r"last (?:chance|warning|notice|reminder)", r"act now", r"time[- ]sensitive",
        r"(?:don'?t|do not) delay", r"without delay", r"promptly", r"hurry",
        r"limited time", r"before it'?s too late",
        r"will be (?:suspended|closed|terminated|deleted|locked|disabled|deactivated)",
        r"as a matter of urgency", r"top priority", r"high priority",
        # de
        r"dringend(?:e|er|es)?", r"eilig", r"eilt", r"sofort(?:ig)?", r"umgehend",
        r"unverzuglich", r"schnellstmoglich", r"so schnell wie moglich",
        r"innerhalb von \d+ (?:stunden|tagen)", r"letzte (?:mahnung|warnung|erinnerung|chance)",
        r"frist", r"heute noch", r"lauft (?:heute )?ab", r"wird (?:gesperrt|geloscht|deaktiviert)",
        # pt
        r"urgente", r"urgencia", r"imediatamente", r"o mais rapido possivel", r"hoje mesmo",
        r"prazo", r"(?:em|dentro de) \d+ horas", r"ultimo aviso", r"expira(?:ra|do|da)?",
        r"sem demora", r"agora mesmo", r"sera (?:bloquead[oa]|suspens[oa]|cancelad[oa])",
        # nl
        r"spoed", r"onmiddellijk", r"zo snel mogelijk", r"binnen \d+ (?:uur|dagen)",
        r"laatste (?:herinnering|waarschuwing|kans|aanmaning)", r"vandaag nog", r"verloopt",
        r"wordt (?:geblokkeerd|opgeschort|verwijderd)",
        # fr
        r"urgente?", r"immediatement", r"des que possible", r"au plus vite", r"sans delai",
        r"dans les \d+ (?:heures|jours)", r"dernier (?:avis|rappel|avertissement)",
        r"aujourd'?hui meme", r"sera (?:suspendu|bloque|supprime|ferme)e?",
        # es
        r"inmediatamente", r"lo antes posible", r"cuanto antes", r"de inmediato",
        r"en las proximas \d+ horas", r"plazo", r"caduca", r"sera (?:suspendida|bloqueada|cancelada)",
    ),
    "authority": (
        r"ceo", r"cfo", r"coo", r"cto", r"chief executive", r"chief financial", r"president",
        r"chairman", r"managing director", r"executive director", r"board of directors",
        r"legal (?:department|team|counsel)", r"general counsel", r"attorney", r"lawyer",
        r"compliance (?:department|team|officer)", r"auditors?", r"fbi", r"law enforcement",
        r"police", r"court order", r"government", r"human resources", r"hr department",
        r"it department", r"it support", r"help ?desk", r"system administrator",
        r"(?:mail|email|account) administrator", r"security team", r"on behalf of", r"by order of",
        r"official notice", r"i need you to", r"i am the (?:ceo|director|president|owner)",
        # de
        r"geschaftsfuhrer(?:in)?", r"geschaeftsfuehrer", r"vorstand", r"direktor(?:in)?",
        r"rechtsabteilung", r"anwalt", r"rechtsanwalt", r"polizei", r"finanzamt", r"gericht",
        r"im auftrag", r"personalabteilung", r"it-abteilung",
        # pt
        r"diretor(?:a)?", r"presidente", r"advogad[oa]", r"departamento juridico", r"policia",
        r"receita federal", r"tribunal", r"recursos humanos", r"em nome de",
        # nl
        r"directeur", r"directie", r"advocaat", r"politie", r"belastingdienst", r"namens",
        r"juridische afdeling",
        # fr
        r"president directeur", r"pdg", r"avocat", r"service juridique", r"gendarmerie",
        r"au nom de", r"ressources humaines",
        # es
        r"director(?:a)? general", r"abogad[oa]", r"departamento legal", r"en nombre de",
    ),
    "secrecy": (
        r"confidential(?:ity)?", r"keep (?:this|it) (?:between us|to yourself|quiet|private|confidential)",
        r"between (?:you and me|us)", r"(?:don'?t|do not) (?:tell|mention|share|discuss|disclose)"
        r"(?: this)?(?: with)? (?:anyone|anybody|others|this)", r"discreet(?:ly)?", r"discretion",
        r"strictly private", r"private and confidential", r"top secret", r"secret",
        r"not to be (?:discussed|shared)", r"(?:don'?t|do not) (?:call|phone) me",
        r"(?:only|just) (?:email|e-mail|text) me", r"under nda", r"confidential (?:acquisition|matter|project)",
        # de
        r"vertraulich(?:e|en|er|es)?", r"streng vertraulich", r"diskret", r"unter uns",
        r"niemandem", r"geheim",
        # pt
        r"confidencial", r"sigilos[oa]", r"sigilo", r"discreto", r"entre nos", r"segredo",
        r"nao (?:comente|conte|fale) (?:com|para) ninguem",
        # nl
        r"vertrouwelijk", r"discreet", r"onder ons", r"niemand vertellen",
        # fr
        r"confidentiel(?:le)?", r"discret(?:e)?", r"entre nous",
        # es
        r"discrecion", r"entre nosotros", r"secreto",
    ),
    "flattery": (
        r"i trust you", r"i can (?:count|rely) on you", r"you(?:'re| are) the only one",
        r"i know i can (?:count|rely) on you", r"valued (?:customer|member|client|user)",
        r"you(?: have|'ve) been (?:selected|chosen)", r"congratulations", r"great job",
        r"most trusted", r"(?:best|favorite|favourite) (?:employee|customer)",
        r"appreciate your (?:help|discretion|assistance|support|prompt)",
        r"you are (?:one of )?(?:our|the) (?:best|most)", r"lucky (?:customer|one|user)",
        # de
        r"herzlichen gluckwunsch", r"sie wurden ausgewahlt", r"ich vertraue (?:ihnen|dir)",
        r"treue(?:r|n)? kund(?:e|in|en)", r"geschatzte(?:r|n)? kund(?:e|in|en)",
        # pt
        r"parabens", r"(?:voce|vc) foi selecionad[oa]", r"confio em (?:voce|vc)", r"cliente especial",
        # nl
        r"gefeliciteerd", r"u bent geselecteerd", r"je bent geselecteerd", r"gewaardeerde klant",
        # fr
        r"felicitations", r"vous avez ete selectionne(?:e)?", r"je compte sur (?:vous|toi)",
        # es
        r"felicidades", r"enhorabuena", r"ha sido seleccionad[oa]", r"confio en (?:ti|usted)",
    ),
    "availability_opener": (
        r"are you (?:available|around|free|busy|in the office)", r"are you (?:at|on) your desk",
        r"(?:do you have|got) a (?:moment|minute|min|sec|second)", r"quick (?:favor|favour|question|task|request)",
        r"(?:i need|do me) a (?:quick )?(?:favor|favour)", r"can you do (?:me )?a (?:quick )?(?:favor|favour)",
        r"let me know (?:if|when) you(?:'re| are) (?:available|free)",
        r"(?:send|reply with) (?:me )?your (?:cell|mobile|phone|whatsapp)(?: number| no)?",
        r"text me", r"available\?",
        # de
        r"bist du (?:verfugbar|da|erreichbar|im buro|am platz)",
        r"sind sie (?:verfugbar|da|erreichbar|im buro|am platz)",
        r"(?:hast du|haben sie) (?:kurz |einen moment |eine minute )?zeit", r"kurze frage",
        r"kleinen gefallen",
        # pt
        r"(?:voce|vc) (?:esta|ta) disponivel", r"esta disponivel", r"tem um (?:minuto|momento)",
        r"(?:pode|poderia) me fazer um favor", r"favor rapido",
        # nl
        r"ben je beschikbaar", r"bent u beschikbaar", r"heb (?:je|jij|u) (?:even )?(?:tijd|een minuut)",
        r"klein verzoek", r"snelle vraag",
        # fr
        r"etes-vous disponible", r"es-tu disponible", r"tu es dispo(?:nible)?", r"vous etes disponible",
        r"avez-vous un (?:moment|instant)", r"petit service",
        # es
        r"(?:estas|esta) disponible", r"tienes un (?:minuto|momento)", r"tiene un (?:minuto|momento)",
        r"un favor rapido",
    ),
    "prior_relationship": (
        r"as (?:we )?discussed", r"we (?:discussed|spoke about|talked about|agreed on)",
        r"following (?:up )?(?:on )?our (?:\w+ )?(?:conversation|discussion|call|meeting|chat)", r"as per our (?:\w+ )?(?:conversation|discussion|call|meeting|agreement|chat)",
        r"per our (?:\w+ )?(?:conversation|discussion|call|agreement|meeting)", r"following up on",
        r"follow(?:ing)?[- ]up (?:on|to) (?:my|our) (?:previous|last|earlier)", r"further to our",
        r"as agreed", r"as promised", r"as mentioned (?:earlier|before|previously)",
        r"we spoke (?:earlier|yesterday|last week|on the phone)",
        r"our (?:recent|previous|last|earlier) (?:conversation|call|discussion|meeting)",
        r"as you requested", r"per your request", r"as requested",
        # de
        r"wie (?:telefonisch )?besprochen", r"wie vereinbart", r"bezugnehmend auf",
        r"unser(?:em)? (?:gesprach|telefonat)", r"wie abgesprochen",
        # pt
        r"conforme (?:conversamos|combinado|falamos|solicitado|nossa conversa)", r"como combinado",
        r"dando continuidade", r"como conversamos",
        # nl
        r"zoals (?:besproken|afgesproken|beloofd)", r"naar aanleiding van (?:ons|het) gesprek",
        # fr
        r"comme convenu", r"comme discute", r"suite a notre (?:conversation|echange|entretien|appel)",
        # es
        r"como (?:lo )?(?:hablamos|acordamos)", r"segun lo acordado", r"en seguimiento a",
    ),
    "out_of_office": (
        r"i(?:'m| am) (?:currently )?in (?:a|another) (?:meeting|conference)",
        r"in (?:back[- ]to[- ]back|a series of) meetings", r"(?:currently )?in a meeting",
        r"i(?:'m| am) (?:currently )?(?:traveling|travelling|on the road|abroad)",
        r"on a (?:flight|plane)", r"boarding (?:a|my) (?:flight|plane)", r"at the airport",
        r"can'?t (?:talk|speak)", r"cannot (?:talk|speak|take calls)", r"unable to (?:talk|take (?:calls|your call))",
        r"can'?t (?:take|answer) (?:calls|the phone|your call)", r"at a conference",
        r"out of (?:the )?office", r"on vacation", r"on (?:annual )?leave",
        r"limited (?:access|connectivity|reception)", r"busy right now",
        r"sent from my (?:iphone|ipad|mobile|android)",
        # de
        r"in einer (?:besprechung|sitzung|konferenz)", r"im meeting", r"auf (?:geschafts)?reise",
        r"im flugzeug", r"kann (?:gerade )?nicht telefonieren", r"nicht erreichbar",
        # pt
        r"em (?:uma )?reuniao", r"viajando", r"em viagem", r"no (?:voo|aviao)",
        r"nao posso (?:falar|atender)",
        # nl
        r"in een (?:vergadering|meeting|bespreking)", r"op reis", r"kan (?:nu )?niet bellen",
        r"in het vliegtuig",
        # fr
        r"en reunion", r"en deplacement", r"en voyage", r"dans l'avion",
        r"je ne peux pas (?:parler|repondre|telephoner)",
        # es
        r"en una reunion", r"de viaje", r"en un vuelo", r"no puedo (?:hablar|atender)",
    ),
    "credentials": (
        r"verify (?:your )?(?:account|identity|email|e-mail|mailbox|information|details|login)",
        r"passwords?", r"passcodes?", r"log ?in", r"log ?on", r"sign[- ]?in", r"sign[- ]?on",
        r"credentials?", r"confirm (?:your )?(?:identity|account|details|email|password|information)",
        r"account (?:has been |was |is |will be )?"
        r"(?:suspended|locked|disabled|on hold|limited|restricted|deactivated|closed|blocked)",
        r"(?:re-?)?validate (?:your )?(?:account|mailbox|email)",
        r"mailbox (?:quota|is full|storage|upgrade)", r"(?:unusual|suspicious) (?:sign[- ]?in|login|activity)",
        r"security (?:alert|check|verification)", r"one[- ]time (?:code|password|passcode)", r"otp",
        r"2fa", r"two[- ]factor", r"(?:verification|authentication|security) code", r"username",
        r"user ?id", r"pin (?:code|number)", r"reset your password",
        r"update your (?:account|billing|payment) (?:information|details|info)",
        # de
        r"passwort(?:e)?", r"kennwort", r"anmelden", r"anmeldung", r"einloggen", r"zugangsdaten",
        r"konto (?:zu )?(?:bestatigen|verifizieren)", r"bestatigen sie ihr konto",
        r"konto (?:wurde |ist )?(?:gesperrt|eingeschrankt|deaktiviert)", r"verifizier(?:en|ung)",
        r"identitat (?:zu )?bestatigen", r"sicherheitscode", r"benutzername",
        # pt
        r"senha", r"acesse sua conta", r"confirme (?:seus dados|sua identidade|sua conta)",
        r"verifique sua conta", r"conta (?:foi )?(?:bloqueada|suspensa|desativada)", r"credenciais",
        r"codigo de (?:verificacao|acesso|seguranca)", r"atualize seus dados", r"atualizar (?:o )?cadastro",
        r"usuario e senha",
        # nl
        r"wachtwoord", r"inloggen", r"aanmelden", r"inloggegevens",
        r"account (?:bevestigen|verifieren)", r"verifieer", r"(?:uw|je) account is geblokkeerd",
        # fr
        r"mot de passe", r"identifiants?", r"connexion", r"se connecter", r"connectez-vous",
        r"verifie[rz] votre compte", r"confirme[rz] votre identite", r"compte (?:suspendu|bloque|desactive)",
        # es
        r"contrasena", r"iniciar sesion", r"verifica[r]? (?:su|tu) cuenta", r"confirme su identidad",
        r"cuenta (?:suspendida|bloqueada)", r"credenciales",
    ),
    "payment_change": (
        r"new (?:bank|banking|account) (?:details|information|info|account)",
        r"(?:updated|new|changed?) (?:bank(?:ing)?|payment|remittance|wire) "
        r"(?:details|information|instructions|account)",
        r"change (?:of|in|to) (?:our |my )?(?:bank|banking|account|payment) (?:details|information|account)?",
        r"changed (?:our |my )?bank(?:s|ing)?", r"bank (?:account )?(?:has|have) (?:changed|been changed|been updated)",
        r"update (?:the |our |my )?(?:bank|banking|payment|vendor) (?:details|information|records)",
        r"iban", r"routing (?:number|no)", r"aba (?:number|routing)", r"account number", r"sort code",
        r"swift(?: code)?", r"remit (?:payment )?to (?:the|our) new", r"new remittance",
        r"(?:use|note) (?:the|our) new account", r"beneficiary (?:account|details|bank)",
        # de
        r"neue bankverbindung", r"geanderte bankverbindung", r"bankverbindung (?:hat sich )?(?:geandert|aktualisiert)",
        r"neue kontodaten", r"kontonummer", r"neues konto",
        # pt
        r"nova conta bancaria", r"novos dados bancarios", r"dados bancarios (?:atualizados|alterados|novos)",
        r"alteracao (?:de|dos) dados bancarios", r"mudanca de banco", r"nova conta",
        # nl
        r"nieuwe bankgegevens", r"gewijzigde bankgegevens", r"nieuw rekeningnummer", r"rekeningnummer",
        # fr
        r"nouvelles coordonnees bancaires", r"changement de (?:banque|coordonnees bancaires)", r"nouveau rib",
        # es
        r"nuevos datos bancarios", r"nueva cuenta bancaria", r"cambio de (?:banco|cuenta bancaria)",
    ),
    "invoice": (
        r"invoices?", r"payment overdue", r"overdue(?: payment| invoice| balance)?", r"past due",
        r"outstanding (?:invoice|balance|payment|amount)s?", r"remittance(?: advice)?",
        r"purchase orders?", r"pro-?forma", r"statement of account",
        r"payment (?:reminder|due|request|advice|confirmation)", r"billing statement", r"receipts?",
        r"unpaid", r"balance due", r"amount due",
        # de
        r"rechnung(?:en)?", r"zahlungserinnerung", r"mahnung", r"offene rechnung", r"uberfallig",
        # pt
        r"faturas?", r"boletos?", r"nota fiscal", r"nf-e", r"cobranca", r"pagamento (?:pendente|em atraso)",
        r"vencid[oa]s?", r"comprovante",
        # nl
        r"factuur", r"facturen", r"betalingsherinnering", r"openstaande (?:factuur|betaling|rekening)",
        r"aanmaning", r"achterstallig",
        # fr
        r"factures?", r"relance", r"impayee?s?", r"avis de paiement", r"bon de commande",
        # es
        r"pago (?:pendiente|vencido)", r"orden de compra", r"recibo",
    ),
    "wire_transfer": (
        r"wire transfers?", r"funds? transfers?", r"wire (?:the )?(?:funds|payment|money|amount)", r"bank transfer",
        r"(?:international |domestic )?transfer (?:the )?(?:funds|payment|money)",
        r"(?:make|process|send|initiate|arrange|complete) (?:a |the )?(?:payment|transfer|wire)",
        r"ach (?:transfer|payment)", r"swift transfer", r"telegraphic transfer",
        r"remit (?:the )?(?:funds|payment)", r"same[- ]day payment", r"payment to (?:the )?(?:vendor|supplier|account)",
        r"wire", r"wired",
        # de
        r"uberweisung", r"uberweisen", r"zahlung (?:veranlassen|anweisen|durchfuhren)",
        r"auslandsuberweisung",
        # pt
        r"transferencia(?: bancaria)?", r"pix", r"transferir (?:o |os )?(?:valor|dinheiro|pagamento)",
        r"fazer (?:um|o) pagamento",
        # nl
        r"overboeking", r"overmaken", r"overschrijving", r"betaling (?:uitvoeren|doen)",
        # fr
        r"virement(?: bancaire)?", r"effectuer (?:un|le) (?:paiement|virement)",
        # es
        r"giro bancario", r"hacer (?:una|la) transferencia",
    ),
    "gift_cards": (
        r"gift ?cards?", r"itunes(?: cards?)?", r"apple (?:gift )?cards?", r"google play(?: cards?)?",
        r"steam (?:wallet )?cards?", r"amazon (?:gift )?cards?", r"ebay gift cards?",
        r"vanilla (?:visa|cards?)", r"prepaid cards?", r"scratch (?:off )?the back",
        r"(?:send|email) me the (?:codes|card numbers|pictures of the cards)", r"card codes?",
        r"redemption codes?", r"claim codes?",
        # de
        r"gutschein(?:e|karten?|codes?)?", r"geschenkkarten?", r"guthabenkarten?", r"paysafecard",
        # pt
        r"cart(?:ao|oes) (?:de )?presente", r"vale[- ]presente",
        # nl
        r"cadeaukaart(?:en)?", r"cadeaubon(?:nen)?",
        # fr
        r"cartes? cadeaux?", r"cartes? prepayees?",
        # es
        r"tarjetas? de regalo",
    ),
    "payroll": (
        r"direct deposit", r"payroll", r"pay ?checks?", r"pay ?stubs?", r"pay ?slips?",
        r"salary(?: account| payment| deposit| details)?", r"wages?",
        r"(?:change|update) (?:my )?(?:direct deposit|payroll)(?: information| details| account)?",
        r"paid into (?:my|a) (?:new )?account",
        # de
        r"gehalt(?:skonto|sabrechnung|szahlung)?", r"lohn(?:abrechnung|zahlung)?",
        # pt
        r"salario", r"folha de pagamento", r"holerite", r"contracheque",
        # nl
        r"salaris(?:administratie)?", r"loonstrook",
        # fr
        r"salaire", r"fiche de paie", r"bulletin de (?:paie|salaire)",
        # es
        r"nomina",
    ),
    "tax_data": (
        r"w-?2s?", r"w2 forms?", r"tax forms?", r"1099s?", r"1040",
        r"tax (?:return|refund|document|record|statement|id)s?",
        r"ssn", r"social security(?: number)?", r"irs", r"tax year", r"wage and tax statement",
        # de
        r"steuererklarung", r"steuerruckerstattung", r"steuer-?id", r"steuernummer",
        r"lohnsteuerbescheinigung",
        # pt
        r"imposto de renda", r"restituicao", r"cpf", r"darf", r"declaracao de imposto",
        # nl
        r"belastingaangifte", r"belastingteruggave", r"bsn",
        # fr
        r"declaration d'impots?", r"remboursement d'impots?", r"numero fiscal", r"avis d'imposition",
        # es
        r"declaracion de la renta", r"devolucion de impuestos", r"nif",
    ),
    "crypto": (
        r"bitcoins?", r"btc", r"ethereum", r"eth", r"usdt", r"tether", r"crypto(?:currency|currencies)?",
        r"wallet(?: address)?", r"(?:seed|recovery|secret) phrase", r"private key", r"blockchain",
        r"binance", r"coinbase", r"metamask", r"trust wallet", r"ledger (?:live|wallet|nano)", r"airdrop",
        r"nfts?", r"litecoin", r"dogecoin", r"monero", r"xmr",
        # de / pt / nl / fr / es
        r"krypto(?:wahrung(?:en)?)?", r"criptomoedas?", r"carteira (?:digital|de criptomoedas)",
        r"frase de recuperacao", r"cryptovaluta", r"cryptomonnaies?", r"portefeuille (?:crypto|numerique)",
        r"criptomonedas?", r"billetera",
    ),
    "advance_fee": (
        r"inheritance", r"beneficiary", r"next of kin", r"(?:\d+(?:[.,]\d+)? )?million (?:dollars|usd|euros|pounds)",
        r"consignment", r"barrister", r"lottery", r"winners?", r"prizes?",
        r"claim your (?:reward|prize|winnings|funds|money)", r"compensation (?:fund|payment)",
        r"unclaimed (?:funds?|inheritance|prize)", r"deceased", r"late (?:client|husband|father|wife)",
        r"foreign (?:partner|investor)", r"release of (?:the )?funds?", r"funds? release",
        r"diplomatic (?:courier|agent)",
        r"atm card", r"you(?:'ve| have)? won", r"lucky (?:winner|draw)", r"sweepstakes?", r"jackpot",
        r"bequest",
        # de
        r"erbschaft", r"gewinner(?:in)?", r"gewonnen", r"lotterie", r"begunstigte(?:r)?", r"nachlass",
        # pt
        r"heranca", r"beneficiari[oa]", r"premio", r"ganhador(?:a)?", r"sorteado", r"loteria",
        r"(?:voce|vc) ganhou",
        # nl
        r"erfenis", r"winnaar", r"loterij", r"prijs gewonnen",
        # fr
        r"(?:un|votre|d.un) heritage", r"beneficiaire", r"gagnant(?:e)?", r"loterie", r"vous avez gagne",
        # es
        r"herencia", r"ganador(?:a)?", r"ha ganado",
    ),
    "extortion": (
        r"recorded you", r"(?:i|we) (?:have )?recorded (?:you|a video)", r"webcam",
        r"your (?:device|computer|phone|account|system) (?:was|has been) (?:hacked|compromised|infected)",
        r"hacked your (?:device|computer|account|email|phone)", r"pay (?:me )?in (?:bitcoin|btc|crypto)",
        r"compromising (?:video|photos?|material)", r"(?:adult|porn(?:ographic)?|xxx) (?:sites?|videos?|content)",
        r"masturbat\w*", r"(?:i|we) (?:know|have) your password", r"spyware",
        r"(?:send|share) (?:it|the video|this video) (?:with|to) (?:all )?your contacts",
        r"you have \d+ hours", r"(?:don'?t|do not) go to the police",
        # de
        r"aufgenommen", r"(?:ihr|dein) (?:gerat|computer|konto) wurde gehackt", r"kompromittierend\w*",
        r"erpress\w*",
        # pt
        r"gravei (?:voce|vc)", r"sua webcam", r"seu (?:dispositivo|computador) foi (?:hackeado|invadido)",
        r"video comprometedor",
        # nl
        r"(?:je|uw) apparaat is gehackt", r"compromitterende",
        # fr
        r"votre (?:appareil|ordinateur) a ete pirate", r"video compromettante",
        # es
        r"su dispositivo ha sido hackeado", r"video comprometedor",
    ),
    "malware_exec": (
        r"enable (?:the )?(?:macros?|content|editing)", r"open the attach(?:ment|ed (?:file|document|invoice))",
        r"open (?:the )?attached (?:file|document|invoice)", r"run the (?:file|program|installer|attachment)",
        r"download and (?:install|run|open)", r"install the (?:update|software|plugin|app)",
        r"(?:click|double[- ]click) (?:on )?(?:the )?(?:attachment|attached file)",
        r"unzip (?:the |this )?(?:file|attachment|archive)", r"extract (?:the )?(?:file|archive|zip)",
        r"password (?:for|to open) the (?:file|archive|attachment|document)",
        r"update (?:your )?(?:flash|browser|player|java|plugin)",
        # de
        r"makros? aktivieren", r"inhalt aktivieren", r"bearbeitung aktivieren", r"anhang (?:zu )?offnen",
        r"offnen sie (?:den|die) (?:anhang|datei)", r"herunterladen und installieren",
        # pt
        r"habilitar (?:macros|conteudo|edicao)", r"ativar (?:macros|conteudo|edicao)",
        r"abr(?:a|ir) o anexo", r"baixe e instale",
        # nl
        r"macro'?s inschakelen", r"inhoud inschakelen", r"open de bijlage", r"download en installeer",
        # fr
        r"activer (?:les macros|le contenu|la modification)", r"ouvr(?:ez|ir) la piece jointe",
        r"telecharger et installer",
        # es
        r"habilitar (?:macros|contenido|edicion)", r"abr(?:a|ir) el (?:archivo )?adjunto",
        r"descargue e instale",
    ),
    "callback": (
        r"call us", r"call (?:our|this number|the number|now|immediately|toll[- ]free)",
        r"(?:call|contact) (?:our|the) (?:support|helpdesk|help desk|billing|customer (?:service|support|care))",
        r"toll[- ]free", r"helpline", r"support (?:line|number)", r"customer (?:care|support|service) (?:number|line)",
        r"cancel (?:your|the|this) (?:subscription|order|renewal|membership|payment|transaction)",
        r"(?:auto[- ]?)?renewal", r"renewed", r"charged", r"dispute (?:this|the) (?:charge|transaction|payment)",
        r"if you did not (?:authori[sz]e|make|place|recogni[sz]e) (?:this|the)", r"if this wasn'?t you",
        # de
        r"rufen sie (?:uns )?an", r"anrufen", r"kundendienst", r"hotline", r"abonnement kundigen",
        r"verlangerung", r"abgebucht",
        # pt
        r"ligue (?:para|agora|imediatamente)", r"central de atendimento", r"cancelar (?:a |sua )?assinatura",
        r"renovacao", r"cobrad[oa]",
        # nl
        r"bel (?:ons|onze|direct|nu)", r"klantenservice", r"abonnement opzeggen", r"verlenging", r"afgeschreven",
        # fr
        r"appelez(?:-nous)?", r"service client", r"annuler (?:votre )?abonnement", r"renouvellement", r"debite",
        # es
        r"llame (?:al|a nuestro|ahora)", r"llamenos", r"cancelar (?:su )?suscripcion", r"renovacion",
    ),
    "credential_form_near_link": (
        r"click (?:here|below|on the (?:link|button)|the (?:link|button)) to "
        r"(?:verify|confirm|log ?in|sign ?in|update|validate|unlock|restore|reactivate|access|review|secure)",
        r"(?:log|sign) ?in here", r"login here",
        r"update your (?:information|details|account|billing|payment)(?: information| details)?",
        r"(?:log|sign) ?in to (?:review|view|verify|confirm|access|restore|unlock|your account)",
        r"verify (?:now|here|your account now)", r"confirm (?:now|here)", r"validate (?:now|here)",
        # de
        r"hier (?:klicken|anmelden|einloggen|bestatigen)", r"klicken sie (?:hier|auf den link)",
        r"jetzt (?:bestatigen|verifizieren|anmelden|aktualisieren)", r"daten aktualisieren",
        # pt
        r"clique (?:aqui|no link|no botao)", r"acesse (?:aqui|agora|o link)", r"atualize (?:seus dados|agora)",
        r"faca (?:o )?login",
        # nl
        r"klik (?:hier|op de link)", r"log (?:hier|nu) in", r"gegevens bijwerken", r"bevestig (?:hier|nu)",
        # fr
        r"cliquez (?:ici|sur le lien)", r"connectez-vous (?:ici|maintenant)", r"mettre a jour vos informations",
        # es
        r"haga clic aqui", r"haz clic aqui", r"inicie sesion aqui", r"actualice sus datos",
    ),
    # -- helper themes used by single signals -----------------------------------------------
    "generic_greeting": (
        r"dear (?:valued )?(?:customer|user|client|member|account ?holder|subscriber|sir ?(?:/|or) ?madam|sir|madam"
        r"|friend|beneficiary|colleague|employee|recipient)",
        r"dear valued", r"hello (?:customer|user|client|member)", r"dear (?:e-?mail|mailbox) (?:user|owner)",
        r"sehr geehrte(?:r)? (?:kunde|kundin|nutzer|benutzer|damen und herren)", r"liebe(?:r)? kund(?:e|in)",
        r"prezad[oa] (?:cliente|usuario|senhor(?:\(a\))?)", r"caro cliente",
        r"cher client", r"chere cliente", r"cher utilisateur", r"madame, monsieur",
        r"beste (?:klant|gebruiker|relatie)", r"geachte (?:klant|heer/mevrouw)",
        r"estimado (?:cliente|usuario)",
    ),
    "request": (
        r"please", r"pls", r"kindly", r"can you", r"could you", r"would you", r"will you", r"i need",
        r"let me know", r"get back to me", r"send me", r"reply", r"handle this", r"take care of",
        r"bitte", r"konnen sie", r"kannst du", r"por favor", r"(?:voce )?(?:pode|poderia)",
        r"alsjeblieft", r"graag", r"kun je", r"kunt u", r"s'il vous plait", r"pourriez-vous",
        r"pouvez-vous", r"puedes", r"podria",
    ),
    "password_word": (
        r"password", r"passwort", r"kennwort", r"senha", r"wachtwoord", r"mot de passe", r"contrasena",
        r"pwd", r"pw", r"passcode",
    ),
    "qr_scan": (
        r"qr", r"qr-?codes?", r"qrcodes?", r"scan", r"scannen", r"scannez", r"escanear", r"escaneie",
        r"escanee", r"scan de", r"scan (?:the|this|de|het)",
    ),
}

# Every pattern starts with a literal space and runs on ``match_text`` (a space before every word),
# which lets the regex engine jump from space to space instead of trying every position: about 3x
# faster than a (?<!\w) look-behind, and the same matches.
_COMPILED: dict[str, re.Pattern[str]] = {
    theme: re.compile(r" (?:" + "|".join(pats) + r")(?!\w)")
    for theme, pats in THEMES.items()
}
_OUTSIDE_PUNCT_RE = re.compile(r"[^\w\s'\-?/.$:,]")     # never part of a phrase: becomes a space
_EDGE_RE = re.compile(r"['\-]+")                           # quotes/hyphens: kept only inside words
_GLUE_RE = re.compile(r"([?.:,])(?=\w)")                 # "subject:urgent" -> "subject: urgent"


@lru_cache(maxsize=32)
def normalize_text(text: str) -> str:
    """Comparable text: NFKC, zero-width/bidi characters removed, lower-case, diacritics stripped,
    so one pattern list covers "Verfügbar", "verfugbar" and obfuscated "ver\u200bfügbar"."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _INVISIBLE_RE.sub("", t).lower()
    if not t.isascii():
        for src, dst in _QUOTES:                      # str.translate is slow on non-ASCII text
            if src in t:
                t = t.replace(src, dst)
        t = unicodedata.normalize("NFC", _COMBINING_RE.sub("", unicodedata.normalize("NFD", t)))
    return " ".join(t.split())


@lru_cache(maxsize=32)
def match_text(text: str) -> str:
    """``normalize_text`` with a space before every word (punctuation around words turned into
    spaces): the form the theme patterns run on."""
    t = _OUTSIDE_PUNCT_RE.sub(" ", normalize_text(text))
    if "'" in t or "-" in t:
        t = _EDGE_RE.sub(_edge, t)
    t = _GLUE_RE.sub(r"\1 ", t)
    return " " + " ".join(t.split())


def _edge(m: re.Match[str]) -> str:
    s, e, t = m.start(), m.end(), m.string
    inside = s > 0 and e < len(t) and (t[s - 1].isalnum() or t[s - 1] == "_") and (t[e].isalnum() or t[e] == "_")
    return m.group(0) if inside else " "


def theme_regex(theme: str) -> re.Pattern[str]:
    """The compiled pattern of a theme; run it on ``match_text(text)`` (matches start with a space)."""
    return _COMPILED[theme]


def count_terms(text: str, theme: str) -> int:
    """How many times a theme's phrases occur in ``text``: the strength of that persuasion cue."""
    if not text:
        return 0
    return len(_COMPILED[theme].findall(match_text(text)))


def find_terms(text: str, theme: str, limit: int = 3) -> list[str]:
    """The first few phrases of a theme found in ``text``, for an analyst-readable detail."""
    out: list[str] = []
    if not text:
        return out
    for m in _COMPILED[theme].finditer(match_text(text)):
        out.append(m.group(0).strip())
        if len(out) >= limit:
            break
    return out


def theme_evidence(text: str, theme: str, cap: float = 10.0) -> "Evidence":
    """The evidence a theme signal reports: how many of its terms occur (capped), and which."""
    from features.signals import Evidence
    found = [m.group(0).strip() for m in _COMPILED[theme].finditer(match_text(text))] if text else []
    if not found:
        return Evidence(0.0)
    return Evidence(min(float(len(found)), cap), ", ".join(found[:3]))
