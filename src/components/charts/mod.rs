//! Charts drawn as SVG on the server, so they are there without the
//! browser bundle. Each module pairs small pure functions that compute the
//! geometry (tested on data) with a component that draws it. Colours come
//! from CSS classes over the theme's custom properties, so charts follow
//! light and dark; every chart has an accessible name and its numbers in
//! text as well.

pub mod scale;
pub mod score_bars;
pub mod stacked_bar;
pub mod trend_line;
