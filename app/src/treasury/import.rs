//! The treasury's CSV import of tax items (exported by the municipality's tax system), one item a line,
//! all lines or none, each refused line named with its number. Amounts are soles with a dot and up to
//! two decimals (`1234.50`), read exactly into céntimos.

use super::Concept;
use super::storage::{NewItem, NewTaxpayer};
use crate::tramites::calendar::parse_day;

pub const CSV_HEADER: &str =
    "contribuyente,valor_de_control,nombre,predio,concepto,anio,periodo,vencimiento,insoluto,reajuste,descuento";

/// What is wrong with a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemProblem {
    Header,
    Columns,
    Taxpayer,
    Name,
    Property,
    Concept,
    Period,
    DueDate,
    Amount,
    /// The same taxpayer has two different check values or names in the file.
    Inconsistent,
    Empty,
}

impl ItemProblem {
    pub fn message(self) -> &'static str {
        match self {
            ItemProblem::Header => "the first line is not the expected header",
            ItemProblem::Columns => "not 11 comma-separated columns",
            ItemProblem::Taxpayer => "the taxpayer code or check value is missing or not letters and digits",
            ItemProblem::Name => "the name is missing or over 200 characters",
            ItemProblem::Property => "the property is missing or over 200 characters",
            ItemProblem::Concept => "the concept is not predial, barrido, recojo, parques, serenazgo or multa",
            ItemProblem::Period => "the year or period is not a number (period 1 to 12)",
            ItemProblem::DueDate => "the due date is not a YYYY-MM-DD day",
            ItemProblem::Amount => "an amount is not soles with up to two decimals (1234.50)",
            ItemProblem::Inconsistent => "this taxpayer has another check value or name on an earlier line",
            ItemProblem::Empty => "the file has no items",
        }
    }
}

/// `1234.5` → 123450 céntimos; `None` for anything but digits with an optional dot and up to 2 decimals.
pub fn parse_soles(text: &str) -> Option<i64> {
    let text = text.trim();
    let (units, decimals) = text.split_once('.').unwrap_or((text, ""));
    if units.is_empty()
        || units.len() > 12
        || decimals.len() > 2
        || !units.bytes().chain(decimals.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents: i64 = format!("{decimals:0<2}").parse().ok()?;
    Some(units.parse::<i64>().ok()? * 100 + cents)
}

pub type ImportErrors = Vec<(usize, ItemProblem)>;

pub fn parse(text: &str) -> Result<(Vec<NewTaxpayer>, Vec<NewItem>), ImportErrors> {
    use crate::platform::csv_rows::{HeaderRefusal, rows_after_header};
    let rows = match rows_after_header(text, CSV_HEADER) {
        Ok(rows) => rows,
        Err(HeaderRefusal::Empty) => return Err(vec![(1, ItemProblem::Empty)]),
        Err(HeaderRefusal::Wrong(line)) => return Err(vec![(line, ItemProblem::Header)]),
    };
    let (mut taxpayers, mut items, mut errors): (Vec<NewTaxpayer>, Vec<NewItem>, ImportErrors) = Default::default();
    for row in rows {
        let (line, record) = match row {
            Ok(row) => row,
            Err(line) => {
                errors.push((line, ItemProblem::Columns));
                break;
            }
        };
        if record.len() != 11 {
            errors.push((line, ItemProblem::Columns));
            continue;
        }
        let field = |index: usize| record[index].trim().to_string();
        let code_like =
            |text: &str| !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_alphanumeric());
        let mut problems = Vec::new();
        let (code, check, name, property) = (field(0).to_ascii_uppercase(), field(1), field(2), field(3));
        if !code_like(&code) || !code_like(&check) {
            problems.push(ItemProblem::Taxpayer);
        }
        if name.is_empty() || name.chars().count() > 200 {
            problems.push(ItemProblem::Name);
        }
        if property.is_empty() || property.chars().count() > 200 {
            problems.push(ItemProblem::Property);
        }
        let concept = Concept::parse(&field(4));
        if concept.is_none() {
            problems.push(ItemProblem::Concept);
        }
        let year = field(5).parse::<i32>().ok().filter(|year| (2000..=2100).contains(year));
        let period = field(6).parse::<u32>().ok().filter(|period| (1..=12).contains(period));
        if year.is_none() || period.is_none() {
            problems.push(ItemProblem::Period);
        }
        let due_on = parse_day(&field(7));
        if due_on.is_none() {
            problems.push(ItemProblem::DueDate);
        }
        let amounts: Vec<Option<i64>> = (8..11).map(|index| parse_soles(&field(index))).collect();
        if amounts.iter().any(Option::is_none) {
            problems.push(ItemProblem::Amount);
        }
        match taxpayers.iter().find(|taxpayer| taxpayer.code == code) {
            Some(known) if known.check != check || known.name != name => problems.push(ItemProblem::Inconsistent),
            Some(_) => {}
            None if problems.is_empty() => taxpayers.push(NewTaxpayer { code: code.clone(), check, name }),
            None => {}
        }
        if !problems.is_empty() {
            errors.extend(problems.into_iter().map(|problem| (line, problem)));
            continue;
        }
        items.push(NewItem {
            taxpayer: code,
            property,
            concept: concept.expect("checked"),
            year: year.expect("checked"),
            period: period.expect("checked"),
            due_on: due_on.expect("checked"),
            principal: amounts[0].expect("checked"),
            adjustment: amounts[1].expect("checked"),
            discount: amounts[2].expect("checked"),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if items.is_empty() {
        return Err(vec![(1, ItemProblem::Empty)]);
    }
    Ok((taxpayers, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soles_are_read_exactly() {
        assert_eq!(parse_soles("1234.5"), Some(123_450));
        assert_eq!(parse_soles("0.05"), Some(5));
        assert_eq!(parse_soles("12"), Some(1_200));
        assert_eq!(parse_soles("1.234"), None);
        assert_eq!(parse_soles("1,50"), None);
        assert_eq!(parse_soles("-3"), None);
        assert_eq!(parse_soles(""), None);
    }

    #[test]
    fn every_bad_line_is_named() {
        let text = format!(
            "{CSV_HEADER}\n\
             T001,K7,Ana Quispe,Av. Larco 400,predial,2026,1,2026-02-28,250.00,0,0\n\
             T001,K8,Ana Quispe,Av. Larco 400,predial,2026,2,2026-05-29,250.00,3.10,0\n\
             T002,K9,Luis,Calle 1,luz,2026,13,2026-02-30,1.234,0,0\n"
        );
        let errors = parse(&text).unwrap_err();
        use ItemProblem::*;
        assert_eq!(errors, [(3, Inconsistent), (4, Concept), (4, Period), (4, DueDate), (4, Amount)]);
        let good = format!("{CSV_HEADER}\nT001,K7,Ana,Av. Larco 400,barrido,2026,1,2026-02-28,30.5,0,1\n");
        let (taxpayers, items) = parse(&good).unwrap();
        assert_eq!((taxpayers.len(), items[0].principal, items[0].discount), (1, 3_050, 100));
    }
}
