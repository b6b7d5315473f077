//! A department's leadership posts and the post rules (`posts`) its fixed cost
//! follows from (part of the validated [`super::Model`]).

/// Leadership posts of a department, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Posts {
    /// Heads of department (局长/部长).
    pub heads: u32,
    /// Deputy heads of department.
    pub deputies: u32,
    /// Heads of division (处长/科长).
    pub division_heads: u32,
}

impl Posts {
    /// All posts (saturating: counts are bounded by validation, their products not).
    pub fn total(&self) -> u32 {
        self.heads.saturating_add(self.deputies).saturating_add(self.division_heads)
    }

    /// The posts of `self` and `other` together.
    pub fn plus(self, other: Posts) -> Posts {
        Posts {
            heads: self.heads.saturating_add(other.heads),
            deputies: self.deputies.saturating_add(other.deputies),
            division_heads: self.division_heads.saturating_add(other.division_heads),
        }
    }

    /// Each kind at least as many as in `floor`.
    pub fn at_least(self, floor: Posts) -> Posts {
        Posts {
            heads: self.heads.max(floor.heads),
            deputies: self.deputies.max(floor.deputies),
            division_heads: self.division_heads.max(floor.division_heads),
        }
    }
}

/// The post rules (`posts`): what a department's fixed cost follows from.
#[derive(Clone, Debug)]
pub struct PostRules {
    /// Heads per department.
    pub heads_per_department: u32,
    /// Deputy heads per department.
    pub deputies_per_department: u32,
    /// Heads per division.
    pub heads_per_division: u32,
    /// Cost of a head, CNY per year.
    pub head_annual_cost_cny: f64,
    /// Cost of a deputy head, CNY per year.
    pub deputy_annual_cost_cny: f64,
    /// Cost of a head of division, CNY per year.
    pub division_head_annual_cost_cny: f64,
    /// Office space per member of staff (leadership posts included), CNY per year.
    pub office_cny_per_staff_per_year: f64,
    /// Hall space per service window, CNY per year.
    pub office_cny_per_window_per_year: f64,
    /// IT per department (one platform), CNY per year.
    pub it_cny_per_department_per_year: f64,
    /// Yearly exit rate of surplus post holders; `None`: the workforce's
    /// retirement plus resignation rate.
    pub surplus_exit_rate_per_year: Option<f64>,
}

impl PostRules {
    /// The posts the rules give a department with `divisions` divisions.
    pub fn quota(&self, divisions: u32) -> Posts {
        Posts {
            heads: self.heads_per_department,
            deputies: self.deputies_per_department,
            division_heads: self.heads_per_division.saturating_mul(divisions),
        }
    }

    /// The pay of `posts`, CNY per year.
    pub fn pay_cny_per_year(&self, posts: Posts) -> f64 {
        f64::from(posts.heads) * self.head_annual_cost_cny
            + f64::from(posts.deputies) * self.deputy_annual_cost_cny
            + f64::from(posts.division_heads) * self.division_head_annual_cost_cny
    }

    /// Probability that a surplus post holder leaves on a given day: the stated
    /// rate, or `workforce_daily`, the workforce's
    /// ([`super::Workforce::daily_exit_probability`]).
    pub fn daily_exit_probability(&self, workforce_daily: f64) -> f64 {
        match self.surplus_exit_rate_per_year {
            Some(yearly) => 1.0 - (1.0 - yearly.min(1.0)).powf(1.0 / 365.0),
            None => workforce_daily,
        }
    }
}
