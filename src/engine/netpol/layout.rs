//! Where to draw a connectivity picture: workloads on a circle, address
//! blocks outside the cluster in a column beside it, and each allowed flow
//! as a slightly bent arrow (so that A→B and B→A do not overlap).
//!
//! Pure geometry, no drawing: the page turns a [`Layout`] into SVG. The
//! circle grows with the number of workloads so that neighbours keep
//! [`NODE_SPACING`] between them, which keeps 50 workloads readable.

/// Radius of a node's circle.
pub const NODE_RADIUS: f64 = 9.0;
/// Distance between neighbouring workloads along the circle.
pub const NODE_SPACING: f64 = 34.0;
/// Room for a label beside its node.
pub const LABEL_ROOM: f64 = 170.0;
/// Smallest circle, so that a few workloads do not huddle.
const MIN_RADIUS: f64 = 90.0;
/// Distance between address blocks in their column.
const EXTERNAL_SPACING: f64 = 40.0;
/// How far an arrow bends away from the straight line.
const BEND: f64 = 14.0;

/// A point of the picture, in pixels from the top left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Which side of its node a label goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelSide {
    Left,
    Right,
}

/// Positions for every node: first the workloads, then the address blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Point>,
    pub label_sides: Vec<LabelSide>,
}

/// Lays out `workloads` nodes on a circle and `externals` in a column to
/// its right.
pub fn circular(workloads: usize, externals: usize) -> Layout {
    let circumference = workloads as f64 * NODE_SPACING;
    let radius = (circumference / std::f64::consts::TAU).max(MIN_RADIUS);
    let margin = LABEL_ROOM + NODE_RADIUS;
    let centre = Point {
        x: margin + radius,
        y: margin.min(60.0) + radius,
    };
    let column_height = externals.saturating_sub(1) as f64 * EXTERNAL_SPACING;
    let mut height = centre.y * 2.0;
    let column_top = if column_height > height - 2.0 * NODE_RADIUS - 40.0 {
        height = column_height + 2.0 * 40.0;
        40.0
    } else {
        (height - column_height) / 2.0
    };
    let mut nodes = Vec::with_capacity(workloads + externals);
    let mut label_sides = Vec::with_capacity(workloads + externals);
    for index in 0..workloads {
        // From the top, clockwise.
        let angle =
            std::f64::consts::TAU * index as f64 / workloads as f64 - std::f64::consts::FRAC_PI_2;
        let point = Point {
            x: centre.x + radius * angle.cos(),
            y: centre.y + radius * angle.sin(),
        };
        label_sides.push(if point.x < centre.x - 0.5 {
            LabelSide::Left
        } else {
            LabelSide::Right
        });
        nodes.push(point);
    }
    let column_x = centre.x + radius + margin + 80.0;
    for index in 0..externals {
        nodes.push(Point {
            x: column_x,
            y: column_top + index as f64 * EXTERNAL_SPACING,
        });
        label_sides.push(LabelSide::Right);
    }
    let width = if externals > 0 {
        column_x + margin
    } else {
        centre.x + radius + margin
    };
    Layout {
        width: width.ceil(),
        height: height.ceil(),
        nodes,
        label_sides,
    }
}

/// An SVG path from `from` to `to`: a quadratic curve bent to the left of
/// the direction of travel, starting and ending at the nodes' edges.
pub fn arrow_path(from: Point, to: Point) -> String {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / length, dy / length);
    // Perpendicular, to the left of travel.
    let (px, py) = (uy, -ux);
    let control = Point {
        x: (from.x + to.x) / 2.0 + px * BEND,
        y: (from.y + to.y) / 2.0 + py * BEND,
    };
    let trim = |point: Point, towards: Point, by: f64| {
        let (vx, vy) = (towards.x - point.x, towards.y - point.y);
        let length = (vx * vx + vy * vy).sqrt().max(1.0);
        Point {
            x: point.x + vx / length * by,
            y: point.y + vy / length * by,
        }
    };
    let start = trim(from, control, NODE_RADIUS + 1.0);
    let end = trim(to, control, NODE_RADIUS + 4.0);
    format!(
        "M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}",
        start.x, start.y, control.x, control.y, end.x, end.y
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Point, b: Point) -> f64 {
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    #[test]
    fn fifty_workloads_keep_their_spacing_and_fit_the_canvas() {
        let layout = circular(50, 6);
        assert_eq!(layout.nodes.len(), 56);
        for (i, a) in layout.nodes.iter().enumerate() {
            assert!(
                a.x - NODE_RADIUS >= 0.0 && a.x + NODE_RADIUS <= layout.width,
                "{a:?}"
            );
            assert!(
                a.y - NODE_RADIUS >= 0.0 && a.y + NODE_RADIUS <= layout.height,
                "{a:?}"
            );
            for b in &layout.nodes[i + 1..] {
                assert!(
                    distance(*a, *b) >= NODE_SPACING - 1.0,
                    "{a:?} and {b:?} are too close"
                );
            }
        }
    }

    #[test]
    fn labels_point_away_from_the_circle_and_have_room() {
        let layout = circular(12, 0);
        let centre_x = layout.nodes[0].x;
        for (point, side) in layout.nodes.iter().zip(&layout.label_sides) {
            match side {
                LabelSide::Left => {
                    assert!(point.x < centre_x);
                    assert!(point.x - LABEL_ROOM >= 0.0);
                }
                LabelSide::Right => {
                    assert!(point.x >= centre_x - 0.5);
                    assert!(point.x + LABEL_ROOM <= layout.width);
                }
            }
        }
    }

    #[test]
    fn address_blocks_stand_in_a_column_right_of_the_workloads() {
        let layout = circular(5, 3);
        let rightmost_workload = layout.nodes[..5]
            .iter()
            .map(|p| p.x)
            .fold(f64::MIN, f64::max);
        let column: Vec<Point> = layout.nodes[5..].to_vec();
        assert!(column.iter().all(|p| p.x > rightmost_workload + LABEL_ROOM));
        assert!(
            column
                .windows(2)
                .all(|w| w[0].x == w[1].x && w[0].y < w[1].y)
        );
    }

    #[test]
    fn many_address_blocks_make_the_picture_taller() {
        let layout = circular(2, 40);
        let last = layout.nodes.last().unwrap();
        assert!(last.y + NODE_RADIUS <= layout.height);
    }

    #[test]
    fn a_single_workload_is_drawn_and_the_layout_is_deterministic() {
        assert_eq!(circular(1, 0).nodes.len(), 1);
        assert_eq!(circular(7, 2), circular(7, 2));
        assert!(circular(0, 0).nodes.is_empty());
    }

    #[test]
    fn opposite_arrows_bend_to_opposite_sides_and_stop_at_the_nodes() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        let there = arrow_path(a, b);
        let back = arrow_path(b, a);
        assert!(there.starts_with("M") && there.contains(" Q"));
        // Left of travel: up when going right (SVG y grows downwards), down
        // when going left.
        assert!(there.contains("Q50.0,-14.0"), "{there}");
        assert!(back.contains("Q50.0,14.0"), "{back}");
        assert!(!there.starts_with("M0.0,0.0"));
    }
}
