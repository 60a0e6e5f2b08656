//! The catalogue of services, written as gob.pe writes its service sheets: a title with a verb in the
//! infinitive, what it is for, who may use it, requirements, cost, time limit, the steps in each
//! channel, and the legal basis. The sheets are the municipality's content, kept here in both
//! languages next to each other so that a change to one is seen beside the other.

use crate::i18n::Locale;
use crate::paths::Page;

/// A text in Spanish (Peru) and English.
#[derive(Clone, Copy, Debug)]
pub struct Text {
    pub es: &'static str,
    pub en: &'static str,
}

impl Text {
    pub fn get(self, locale: Locale) -> &'static str {
        match locale {
            Locale::es_PE => self.es,
            Locale::en => self.en,
        }
    }
}

const fn text(es: &'static str, en: &'static str) -> Text {
    Text { es, en }
}

/// A way to do it: online, in person, by phone.
#[derive(Clone, Copy, Debug)]
pub struct Channel {
    pub name: Text,
    pub steps: &'static [Text],
}

#[derive(Clone, Copy, Debug)]
pub struct Service {
    /// The sheet's page.
    pub page: Page,
    /// Where the online channel starts.
    pub start: Page,
    pub title: Text,
    pub purpose: Text,
    pub who: Text,
    pub requirements: &'static [Text],
    pub cost: Text,
    pub time_limit: Text,
    pub channels: &'static [Channel],
    pub legal_basis: &'static [Text],
}

const IN_PERSON: Text = text(
    "En persona: plataforma de atención al vecino, Palacio Municipal, Av. Larco 400, Miraflores, o en un módulo de seguridad ciudadana",
    "In person: the residents' service desk, Town Hall, Av. Larco 400, Miraflores, or a citizen security module",
);
const PHONE: Text = text("Por teléfono: (01) 617-7272", "By phone: (01) 617-7272");

pub const SERVICES: [Service; 4] = [
    Service {
        page: super::paths::SERVICE_FILE,
        start: super::paths::FILE,
        title: text("Presentar un documento a la municipalidad", "Send a document to the municipality"),
        purpose: text(
            "Para iniciar un procedimiento (una licencia, un certificado, un reclamo, un recurso o una solicitud) sin ir a la municipalidad. Recibe un número de expediente y un código de verificación para seguirlo en línea.",
            "To start a procedure (a licence, a certificate, a claim, an appeal or a request) without going to the town hall. You get an expediente number and a verification code to follow it online.",
        ),
        who: text(
            "Cualquier persona, natural o jurídica, con DNI, RUC o carné de extranjería.",
            "Anyone, a person or a company, with a DNI, a RUC or a foreign resident's card.",
        ),
        requirements: &[
            text(
                "Su documento de identidad (DNI, RUC o carné de extranjería), su dirección y un correo electrónico.",
                "Your identity document (DNI, RUC or foreign resident's card), your address and an email address.",
            ),
            text(
                "El procedimiento que inicia y el asunto, en pocas líneas.",
                "The procedure you start and the subject, in a few lines.",
            ),
            text(
                "Su escrito y los documentos que pide el procedimiento, en PDF: hasta 5 archivos de hasta 10 MB cada uno.",
                "Your letter and the documents the procedure asks for, as PDF: up to 5 files of up to 10 MB each.",
            ),
        ],
        cost: text(
            "Presentar es gratuito. Algunos procedimientos tienen un derecho de trámite, que se indica en su ficha del TUPA.",
            "Filing is free. Some procedures carry a fee, shown on their sheet of the TUPA.",
        ),
        time_limit: text(
            "El plazo de cada procedimiento, en días hábiles, se indica al elegirlo y en su constancia. Se cuenta desde el día hábil siguiente a la presentación; no se cuentan sábados, domingos ni feriados.",
            "Each procedure's time limit, in working days, is shown when you choose it and on your receipt. It counts from the working day after filing; Saturdays, Sundays and public holidays do not count.",
        ),
        channels: &[
            Channel {
                name: text("En línea, las 24 horas", "Online, at any hour"),
                steps: &[
                    text(
                        "Llene el formulario de la mesa de partes virtual y adjunte sus PDF.",
                        "Fill in the virtual front desk's form and attach your PDFs.",
                    ),
                    text(
                        "Guarde o imprima la constancia con su número de expediente y su código de verificación.",
                        "Save or print the receipt with your expediente number and verification code.",
                    ),
                    text(
                        "Un documento presentado un sábado, domingo o feriado se cuenta desde el siguiente día hábil.",
                        "A document filed on a Saturday, Sunday or holiday counts from the next working day.",
                    ),
                ],
            },
            Channel {
                name: IN_PERSON,
                steps: &[
                    text(
                        "Lleve su escrito y sus documentos impresos a la mesa de partes, de lunes a viernes de 8:00 a 16:30.",
                        "Bring your letter and documents on paper to the front desk, Monday to Friday 8:00 to 16:30.",
                    ),
                    text(
                        "Le entregan el número de expediente y el código de verificación en papel.",
                        "You are given the expediente number and verification code on paper.",
                    ),
                ],
            },
            Channel {
                name: PHONE,
                steps: &[text(
                    "Le orientan sobre los requisitos; el documento se presenta en línea o en persona.",
                    "You are told the requirements; the document is filed online or in person.",
                )],
            },
        ],
        legal_basis: &[
            text(
                "Ley 27444, Ley del Procedimiento Administrativo General (TUO aprobado por D.S. 004-2019-JUS), arts. 117–137 y 145.",
                "Law 27444, General Administrative Procedure Law (consolidated text, D.S. 004-2019-JUS), arts. 117–137 and 145.",
            ),
            text(
                "D.S. 029-2021-PCM, Reglamento del Decreto Legislativo 1412, Ley de Gobierno Digital (mesa de partes digital).",
                "D.S. 029-2021-PCM, regulation of Legislative Decree 1412, the Digital Government Law (digital front desks).",
            ),
        ],
    },
    Service {
        page: super::paths::SERVICE_TRACK,
        start: super::paths::TRACK,
        title: text("Consultar tu expediente", "Check your expediente"),
        purpose: text(
            "Para saber en qué oficina está su expediente, qué pasó con él, cuántos días hábiles quedan del plazo y, si la municipalidad lo observó, para subsanarlo en línea.",
            "To see which office holds your expediente, what happened to it, how many working days of the limit are left and, if the municipality raised an observation, to answer it online.",
        ),
        who: text(
            "Quien presentó el expediente, o quien tenga su número y su código de verificación.",
            "Whoever filed the expediente, or whoever has its number and verification code.",
        ),
        requirements: &[text(
            "El número de expediente (por ejemplo 2026-000042) y el código de verificación de su constancia.",
            "The expediente number (for example 2026-000042) and the verification code on your receipt.",
        )],
        cost: text("Gratuito.", "Free."),
        time_limit: text("Al instante.", "At once."),
        channels: &[
            Channel {
                name: text("En línea, las 24 horas", "Online, at any hour"),
                steps: &[
                    text(
                        "Escriba el número y el código de su constancia.",
                        "Type the number and the code from your receipt.",
                    ),
                    text(
                        "Si su expediente fue observado, adjunte la corrección antes de la fecha indicada.",
                        "If your expediente was observed, attach the correction before the date shown.",
                    ),
                ],
            },
            Channel {
                name: IN_PERSON,
                steps: &[text(
                    "Lleve su constancia a la plataforma de atención al vecino.",
                    "Bring your receipt to the residents' service desk.",
                )],
            },
            Channel {
                name: PHONE,
                steps: &[text(
                    "Tenga a mano el número y el código de su constancia.",
                    "Have your receipt's number and code at hand.",
                )],
            },
        ],
        legal_basis: &[text(
            "Ley 27444 (TUO aprobado por D.S. 004-2019-JUS), art. 66: derecho a conocer el estado de tramitación de los procedimientos.",
            "Law 27444 (consolidated text, D.S. 004-2019-JUS), art. 66: the right to know the state of one's procedures.",
        )],
    },
    Service {
        page: crate::treasury::paths::SERVICE_PAY,
        start: crate::treasury::paths::STATEMENT,
        title: text("Pagar tus tributos municipales", "Pay your municipal taxes"),
        purpose: text(
            "Para ver y pagar el impuesto predial, los arbitrios (barrido de calles, recojo de residuos, parques y jardines, serenazgo) y las multas, con los intereses al día, y obtener el recibo.",
            "To see and pay property tax, municipal fees (street sweeping, waste collection, parks and gardens, citizen security) and fines, with interest to the day, and get the receipt.",
        ),
        who: text(
            "El contribuyente o quien tenga su código de contribuyente y el valor de control de su cuponera.",
            "The taxpayer, or whoever has their taxpayer code and the check value from their booklet.",
        ),
        requirements: &[
            text(
                "El código de contribuyente y el valor de control impresos en la cuponera anual.",
                "The taxpayer code and the check value printed in the yearly tax booklet.",
            ),
            text(
                "Una tarjeta de crédito o débito, o efectivo para pagar un código en un banco o agente.",
                "A credit or debit card, or cash to pay a code at a bank or agent.",
            ),
        ],
        cost: text(
            "Lo que indica el estado de cuenta. El impuesto predial se paga en 4 cuotas (fines de febrero, mayo, agosto y noviembre); lo vencido lleva interés moratorio.",
            "What the statement shows. Property tax is paid in 4 instalments (end of February, May, August and November); overdue amounts carry late-payment interest.",
        ),
        time_limit: text(
            "Con tarjeta, al instante. En efectivo, cuando el banco o agente confirma el pago (el código vence en 24 horas).",
            "By card, at once. In cash, when the bank or agent confirms the payment (the code expires in 24 hours).",
        ),
        channels: &[
            Channel {
                name: text("En línea, las 24 horas", "Online, at any hour"),
                steps: &[
                    text(
                        "Escriba su código de contribuyente y el valor de control.",
                        "Type your taxpayer code and check value.",
                    ),
                    text(
                        "Elija las deudas y la forma de pago: tarjeta (la página segura de la pasarela) o un código para pagar en efectivo.",
                        "Choose the debts and how to pay: card (the gateway's secure page) or a code to pay in cash.",
                    ),
                    text(
                        "Cuando la pasarela confirma el pago, descargue o imprima su recibo con código de verificación.",
                        "When the gateway confirms the payment, download or print your receipt with its verification code.",
                    ),
                ],
            },
            Channel {
                name: IN_PERSON,
                steps: &[text(
                    "Pague en las cajas de la municipalidad con su cuponera.",
                    "Pay at the municipality's cash desks with your booklet.",
                )],
            },
            Channel {
                name: PHONE,
                steps: &[text(
                    "Le informan su deuda; el pago se hace en línea o en persona.",
                    "You are told your debt; payment is made online or in person.",
                )],
            },
        ],
        legal_basis: &[
            text(
                "Decreto Legislativo 776, Ley de Tributación Municipal (TUO aprobado por D.S. 156-2004-EF), arts. 8–15 y 66–69.",
                "Legislative Decree 776, Municipal Taxation Law (consolidated text, D.S. 156-2004-EF), arts. 8–15 and 66–69.",
            ),
            text(
                "Código Tributario (TUO aprobado por D.S. 133-2013-EF), art. 33: interés moratorio.",
                "Tax Code (consolidated text, D.S. 133-2013-EF), art. 33: late-payment interest.",
            ),
        ],
    },
    Service {
        page: crate::civil_registry::paths::SERVICE_CERTIFICATE,
        start: crate::civil_registry::paths::REQUEST,
        title: text("Pedir una copia certificada de partida", "Request a certified copy of a civil record"),
        purpose: text(
            "Para obtener una copia certificada de una partida de nacimiento, matrimonio o defunción inscrita en Miraflores, en PDF con un código QR firmado por la municipalidad, sin ir al registro civil.",
            "To get a certified copy of a birth, marriage or death record registered in Miraflores, as a PDF with a QR code signed by the municipality, without going to the civil registry.",
        ),
        who: text(
            "El titular, sus familiares, su representante o quien tenga un interés legítimo, con DNI o carné de extranjería. Las partidas con reserva (adopción, mandato judicial, en rectificación) solo se entregan en persona.",
            "The holder, their family, their representative or anyone with a legitimate interest, with a DNI or foreign resident's card. Records under reserve (adoption, court order, under correction) are given in person only.",
        ),
        requirements: &[
            text(
                "El tipo de partida, su número de acta y la fecha del nacimiento, matrimonio o defunción.",
                "The kind of record, its record number and the date of the birth, marriage or death.",
            ),
            text(
                "Su documento de identidad, su correo y su relación con el titular.",
                "Your identity document, your email and your relationship to the holder.",
            ),
            text(
                "Una tarjeta, o efectivo para pagar un código en un banco o agente.",
                "A card, or cash to pay a code at a bank or agent.",
            ),
        ],
        cost: text("S/ 10,00 por copia.", "S/ 10.00 a copy."),
        time_limit: text("Hasta 3 días hábiles después del pago.", "Up to 3 working days after payment."),
        channels: &[
            Channel {
                name: text("En línea, las 24 horas", "Online, at any hour"),
                steps: &[
                    text(
                        "Escriba los datos de la partida y los suyos; guarde el número de solicitud y el código.",
                        "Type the record's details and yours; keep the request number and code.",
                    ),
                    text("Pague con tarjeta o con un código en efectivo.", "Pay by card or with a cash code."),
                    text(
                        "Cuando el registro civil lo emite, descargue el PDF. Cualquiera puede verificarlo en /verificar o sin conexión con la clave pública.",
                        "When the civil registry issues it, download the PDF. Anyone can check it at /verificar, or offline with the public key.",
                    ),
                ],
            },
            Channel {
                name: IN_PERSON,
                steps: &[text(
                    "En la oficina de registro civil, con su DNI; allí se piden también las partidas con reserva.",
                    "At the civil registry office, with your DNI; records under reserve are asked for there too.",
                )],
            },
            Channel {
                name: PHONE,
                steps: &[text(
                    "Le informan si su partida está inscrita en Miraflores.",
                    "You are told whether your record is registered in Miraflores.",
                )],
            },
        ],
        legal_basis: &[
            text(
                "Ley 26497, Ley Orgánica del RENIEC, y su reglamento de inscripciones (D.S. 015-98-PCM).",
                "Law 26497, the RENIEC's organic law, and its registration rules (D.S. 015-98-PCM).",
            ),
            text(
                "Ley 27269, Ley de Firmas y Certificados Digitales.",
                "Law 27269, the Digital Signatures and Certificates Law.",
            ),
        ],
    },
];
