//! Charts as SVG drawn on the server: they need no JavaScript, no chart library and no third party.
//! Each is one image to assistive technology (`role="img"` named by its title and a description that
//! lists the values), and each sits beside the table with the same numbers.

use leptos::prelude::*;

/// Bar and line colours: 7:1 and 4.9:1 against white, above the 3:1 that graphics need.
const BAR: &str = "#1d4f7a";
const PREVIOUS: &str = "#a64b00";

/// One bar: its label, its value, and the value as the page writes it.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub text: String,
}

fn description(title: &str, bars: &[Bar]) -> String {
    let values: Vec<String> = bars.iter().map(|bar| format!("{}: {}", bar.label, bar.text)).collect();
    format!("{title}. {}.", values.join("; "))
}

/// Horizontal bars, one a category. Labels and values are HTML text, so they wrap and keep the page's
/// type size on a phone; each bar is a small SVG stretched to its share (an inline style would need
/// `style-src 'unsafe-inline'`). The values are laid out in a column of their own width, so every bar
/// is measured against the same length.
#[component]
pub fn BarChart(id: String, title: String, bars: Vec<Bar>) -> impl IntoView {
    let max = bars.iter().map(|bar| bar.value).max().unwrap_or(0).max(1) as f64;
    let desc = description(&title, &bars);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let rows = bars
        .into_iter()
        .map(|bar| {
            let share = 100.0 * bar.value as f64 / max;
            view! {
                <div class="bar-chart__row">
                    <span class="bar-chart__label">{bar.label}</span>
                    <span class="bar-chart__measure">
                        <svg class="bar-chart__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect x="0" y="0" width=format!("{share:.2}") height="10" fill=BAR></rect>
                        </svg>
                        <span class="bar-chart__value">{bar.text}</span>
                    </span>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="bar-chart" id=id role="img" aria-labelledby=title_id aria-describedby=desc_id>
            <span class="visually-hidden" id=title_id.clone()>{title}</span>
            <span class="visually-hidden" id=desc_id.clone()>{desc}</span>
            {rows}
        </div>
    }
}

/// Columns by month, with the same months a year earlier as a line where there are data.
#[component]
pub fn MonthChart(
    id: String,
    title: String,
    legend: (String, String),
    months: Vec<Bar>,
    previous: Option<Vec<u64>>,
) -> impl IntoView {
    const WIDTH: f64 = 640.0;
    const HEIGHT: f64 = 240.0;
    const LEFT: f64 = 8.0;
    const TOP: f64 = 28.0;
    const BOTTOM: f64 = 24.0;
    let plot = HEIGHT - TOP - BOTTOM;
    let max = months.iter().map(|m| m.value).chain(previous.iter().flatten().copied()).max().unwrap_or(0).max(1) as f64;
    let step = (WIDTH - 2.0 * LEFT) / months.len().max(1) as f64;
    let desc = description(&title, &months);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    // At most about twelve month labels fit under the axis; on a phone, where the text is set larger,
    // every other one of those (`chart__axis--wide` is hidden there).
    let label_every = months.len().div_ceil(12).max(1);
    let columns = months
        .iter()
        .enumerate()
        .map(|(index, month)| {
            let height = plot * month.value as f64 / max;
            let x = LEFT + step * index as f64;
            let label = (index % label_every == 0).then(|| {
                let class = if (index / label_every) % 2 == 1 { "chart__axis chart__axis--wide" } else { "chart__axis" };
                view! { <text x=x + step / 2.0 y=HEIGHT - 6.0 text-anchor="middle" class=class>{month.label.clone()}</text> }
            });
            view! {
                <rect
                    x=format!("{:.1}", x + step * 0.15)
                    y=format!("{:.1}", TOP + plot - height)
                    width=format!("{:.1}", step * 0.7)
                    height=format!("{height:.1}")
                    fill=BAR
                ></rect>
                {label}
            }
        })
        .collect_view();
    let line = previous.map(|values| {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(index, value)| format!("{:.1},{:.1}", LEFT + step * (index as f64 + 0.5), TOP + plot - plot * *value as f64 / max))
            .collect();
        view! { <polyline points=points.join(" ") fill="none" stroke=PREVIOUS stroke-width="2.5" stroke-dasharray="6 4"></polyline> }
    });
    let has_line = line.is_some();
    view! {
        <svg
            class="chart"
            role="img"
            aria-labelledby=labelled_by
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            width="100%"
            preserveAspectRatio="xMinYMin meet"
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            <rect x=LEFT y="6" width="14" height="14" fill=BAR></rect>
            <text x=LEFT + 20.0 y="18" class="chart__axis">{legend.0}</text>
            {has_line.then(|| view! {
                <line x1="220" y1="13" x2="248" y2="13" stroke=PREVIOUS stroke-width="2.5" stroke-dasharray="6 4"></line>
                <text x="254" y="18" class="chart__axis">{legend.1.clone()}</text>
            })}
            <line x1=LEFT y1=TOP + plot x2=WIDTH - LEFT y2=TOP + plot stroke="#505a5f" stroke-width="1"></line>
            {columns}
            {line}
        </svg>
    }
}
