//! Synthetic but plausible village data for trying zoufang, demos and benchmarks.
//!
//! The same options give the same data (row keys included); a different seed gives different
//! villages, with their own names and 户编号, so demo villages can be merged side by side.

mod ledger;
mod names;
mod rng;
mod visits;

use crate::checklist::{self, Catalog, ChecklistError, Template};
use crate::model::coded::{Category, Health, Labour, PovertyCause, Relation, Role, Schooling, Work};
use crate::model::id_number::check_char;
use crate::model::register::{Cadre, DEFAULT_INCOME_THRESHOLD, Household, Member, Village};
use crate::model::visit::VisitKind;
use crate::store::{Result, Store, StoreError, Writer};
use chrono::{Datelike, Months, NaiveDate};
use names::*;
pub use rng::Rng;
use std::collections::HashSet;
use std::rc::Rc;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Number of villages.
    pub villages: usize,
    /// Households per village.
    pub households: usize,
    /// Months of history (assignments start that many months back).
    pub months: u32,
    /// Random seed.
    pub seed: u64,
    /// The day the data is generated for.
    pub today: NaiveDate,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// Villages made.
    pub villages: usize,
    /// Households made.
    pub households: usize,
    /// Members made.
    pub members: usize,
    /// Cadres made.
    pub cadres: usize,
    /// Visits made.
    pub visits: usize,
}

/// Fills `store` with demo villages in one transaction.
pub fn generate(store: &mut Store, opts: &DemoOptions) -> Result<DemoReport> {
    let mut generator = Generator::new(opts);
    store.write(|w| checklist::ensure_builtin(w, "monthly"))?;
    generator.template = match Catalog::default().current(store, VisitKind::Monthly) {
        Ok(found) => Some(found),
        Err(ChecklistError::Store(e)) => return Err(e),
        Err(e) => return Err(StoreError::Refused(e.to_string())),
    };
    store.write(|w| {
        let mut report = DemoReport::default();
        for v in 0..opts.villages {
            generator.village(w, v, &mut report)?;
        }
        Ok(report)
    })
}

struct Generator {
    rng: Rng,
    opts: DemoOptions,
    used_ids: HashSet<String>,
    /// Millisecond stamp used for generated row keys.
    key_millis: u64,
    /// The monthly checklist visits are answered with (its id and text).
    template: Option<(String, Rc<Template>)>,
    /// Millisecond stamp of the last visit key made.
    visit_millis: u64,
}

impl Generator {
    fn new(opts: &DemoOptions) -> Self {
        let key_millis = opts.today.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis() as u64;
        Generator {
            rng: Rng::new(opts.seed),
            opts: *opts,
            used_ids: HashSet::new(),
            key_millis,
            template: None,
            visit_millis: key_millis,
        }
    }

    fn key(&mut self) -> String {
        self.rng.uuid_v7(self.key_millis)
    }

    fn village(&mut self, w: &Writer<'_>, index: usize, report: &mut DemoReport) -> Result<()> {
        let name = format!("{}{}", self.rng.pick(VILLAGE_HEADS), self.rng.pick(VILLAGE_TAILS));
        let township = *self.rng.pick(TOWNSHIPS);
        let mut village = Village {
            id: self.key(),
            name,
            township: township.to_string(),
            county: COUNTY.0.to_string(),
            income_threshold: DEFAULT_INCOME_THRESHOLD,
        };
        w.save_village(&mut village)?;
        // A six-digit village number unique to this seed and village gives the 户编号 prefix.
        let village_no = (self.opts.seed.wrapping_mul(1_000_003).wrapping_add(index as u64 * 7919)) % 1_000_000;
        let group_count = (self.opts.households / 45).clamp(3, NUMERALS.len());
        let mut groups = Vec::new();
        for g in NUMERALS.iter().take(group_count) {
            groups.push(w.ensure_group(&village.id, &format!("{g}组"))?.expect("group name is not empty"));
        }
        let cadres = self.cadres(w, &village.id, report)?;
        let start = self.opts.today.with_day(1).expect("first of month") - Months::new(self.opts.months.max(1));
        for h in 0..self.opts.households {
            let group = h * group_count / self.opts.households.max(1);
            let mut household = Household {
                id: self.key(),
                village_id: village.id.clone(),
                group_id: Some(groups[group].clone()),
                code: format!("{}{:06}{:04}", COUNTY.1, village_no, h + 1),
                address: format!(
                    "{}{}{}{}号",
                    village.name,
                    NUMERALS[group],
                    self.rng.pick(ADDRESS_BITS),
                    self.rng.range(1, 80)
                ),
                phone: format!("1{}{:09}", self.rng.pick(&["3", "5", "8", "9"]), self.rng.next_u64() % 1_000_000_000),
                category: Some(*self.rng.weighted(&[
                    (Category::Lifted, 60),
                    (Category::Unstable, 8),
                    (Category::Edge, 6),
                    (Category::Dibao, 10),
                    (Category::Tekun, 3),
                    (Category::Ordinary, 13),
                ])),
                ..Household::default()
            };
            let mut members = self.family();
            household.poverty_cause = Some(self.cause(&members));
            household.labour =
                Some(if members.iter().any(|m| m.labour == Labour::Able) { Labour::Able } else { Labour::Weak });
            w.save_household(&mut household, &mut members, self.opts.today)?;
            report.households += 1;
            report.members += members.len();
            // About one household in sixty waits for a cadre.
            if !self.rng.chance(1.0 / 60.0) {
                let cadre = &cadres[h % cadres.len()];
                w.assign(&household.id, cadre, start)?;
                report.visits += self.visits(w, &household, &members, cadre, start, village.income_threshold)?;
            }
        }
        report.villages += 1;
        Ok(())
    }

    /// The village's cadres: assistance cadres (one per five households or so), a first
    /// secretary, team members and village officials. Returns the assistance cadres' ids.
    fn cadres(&mut self, w: &Writer<'_>, village_id: &str, report: &mut DemoReport) -> Result<Vec<String>> {
        let helpers = self.opts.households.div_ceil(5).max(1);
        let mut roles: Vec<Role> = vec![Role::Cadre; helpers];
        roles.extend([
            Role::FirstSecretary,
            Role::TeamMember,
            Role::TeamMember,
            Role::VillageOfficial,
            Role::VillageOfficial,
        ]);
        let mut ids = Vec::new();
        for role in roles {
            let male = self.rng.chance(0.6);
            let born = self.rng.range(1970, 1998) as i32;
            let unit = match role {
                Role::VillageOfficial => "村委会".to_string(),
                _ => self.rng.pick(UNITS).to_string(),
            };
            let mut cadre = Cadre {
                id: self.key(),
                name: self.person_name(male, born, None),
                unit,
                phone: format!("139{:08}", self.rng.next_u64() % 100_000_000),
                role,
                archived: false,
            };
            w.save_cadre(&mut cadre, Some(village_id))?;
            report.cadres += 1;
            if role == Role::Cadre {
                ids.push(cadre.id);
            }
        }
        Ok(ids)
    }

    fn person_name(&mut self, male: bool, born: i32, surname: Option<&str>) -> String {
        let surname = surname.map(str::to_string).unwrap_or_else(|| self.rng.weighted(SURNAMES).to_string());
        let pool = match (male, born < 1980) {
            (true, true) => MALE_OLD,
            (false, true) => FEMALE_OLD,
            (true, false) => MALE_NEW,
            (false, false) => FEMALE_NEW,
        };
        let mut name = surname + *self.rng.pick(pool);
        if self.rng.chance(0.75) {
            let extra = *self.rng.pick::<&str>(pool);
            name.push_str(extra);
        }
        name
    }

    fn id_number(&mut self, birth: NaiveDate, male: bool) -> String {
        loop {
            // The seed picks the hundreds of the sequence number, so villages made with seeds that
            // differ in their last digit never share an ID number.
            let seq = (self.opts.seed % 10) as i64 * 100 + self.rng.range(0, 49) * 2 + i64::from(male);
            let body = format!("{}{}{:03}", COUNTY.1, birth.format("%Y%m%d"), seq);
            let id = format!("{body}{}", check_char(&body));
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn birth(&mut self, year: i32) -> NaiveDate {
        let date =
            NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year") + chrono::Days::new(self.rng.range(0, 364) as u64);
        date.min(self.opts.today - chrono::Days::new(30))
    }

    fn person(&mut self, name: String, relation: Relation, birth: NaiveDate, male: bool) -> Member {
        let age = self.opts.today.year() - birth.year();
        let health = *self.rng.weighted(&[
            (Health::Healthy, 70),
            (Health::Chronic, 16),
            (Health::Serious, 5),
            (Health::Disabled, 9),
        ]);
        let disability = if health == Health::Disabled {
            format!(
                "{}{}",
                self.rng.pick(&["一级", "二级", "三级", "四级"]),
                self.rng.pick(&["肢体", "视力", "听力", "智力", "言语"])
            )
        } else {
            String::new()
        };
        let schooling = match age {
            3..=5 => Schooling::Preschool,
            6..=11 => Schooling::Primary,
            12..=14 => Schooling::Junior,
            15..=17 => *self.rng.pick(&[Schooling::Senior, Schooling::Vocational]),
            18..=21 if self.rng.chance(0.4) => *self.rng.pick(&[Schooling::College, Schooling::University]),
            _ => Schooling::NotStudent,
        };
        let labour = match (age, health) {
            (..=15, _) => Labour::None,
            (_, Health::Serious | Health::Disabled) => *self.rng.pick(&[Labour::Weak, Labour::Lost]),
            (65.., _) => *self.rng.pick(&[Labour::Weak, Labour::Lost]),
            _ if schooling != Schooling::NotStudent => Labour::None,
            (_, Health::Chronic) => Labour::Weak,
            _ => Labour::Able,
        };
        let work = if labour == Labour::Able && (18..=60).contains(&age) {
            *self.rng.weighted(&[
                (Work::None, 25),
                (Work::InCounty, 25),
                (Work::InProvince, 25),
                (Work::OutOfProvince, 20),
                (Work::PublicPost, 5),
            ])
        } else {
            Work::None
        };
        let work_place = match work {
            Work::None => String::new(),
            Work::InCounty | Work::PublicPost => COUNTY.0.to_string(),
            _ => self.rng.pick(WORK_PLACES).to_string(),
        };
        let work_contact =
            if work_place.is_empty() { String::new() } else { format!("13{:09}", self.rng.next_u64() % 1_000_000_000) };
        Member {
            id: self.key(),
            id_number: self.id_number(birth, male),
            name,
            relation,
            health,
            disability,
            labour,
            schooling,
            work,
            work_place,
            work_contact,
        }
    }

    /// A head, usually a spouse, children and sometimes a parent or grandchildren.
    fn family(&mut self) -> Vec<Member> {
        let year = self.opts.today.year();
        let head_born = year - self.rng.range(32, 82) as i32;
        let head_male = self.rng.chance(0.85);
        let surname = self.rng.weighted(SURNAMES).to_string();
        let head_name = self.person_name(head_male, head_born, Some(&surname));
        let birth = self.birth(head_born);
        let mut family = vec![self.person(head_name, Relation::Head, birth, head_male)];
        if self.rng.chance(0.8) {
            let born = head_born + self.rng.range(-4, 6) as i32;
            let name = self.person_name(!head_male, born, None);
            let birth = self.birth(born);
            family.push(self.person(name, Relation::Spouse, birth, !head_male));
        }
        let children = self.rng.range(0, 3);
        for _ in 0..children {
            let born = head_born + self.rng.range(20, 34) as i32;
            if born >= year {
                continue;
            }
            let male = self.rng.chance(0.52);
            let name = self.person_name(male, born, Some(&surname));
            let birth = self.birth(born);
            family.push(self.person(name, if male { Relation::Son } else { Relation::Daughter }, birth, male));
        }
        if head_born > 1975 && self.rng.chance(0.3) {
            let born = head_born - self.rng.range(24, 32) as i32;
            let male = self.rng.chance(0.4);
            let name = self.person_name(male, born, if male { Some(&surname) } else { None });
            let birth = self.birth(born);
            family.push(self.person(name, if male { Relation::Father } else { Relation::Mother }, birth, male));
        }
        if head_born < 1965 && self.rng.chance(0.35) {
            let born = year - self.rng.range(3, 16) as i32;
            let male = self.rng.chance(0.5);
            let name = self.person_name(male, born, Some(&surname));
            let birth = self.birth(born);
            family.push(self.person(
                name,
                if male { Relation::Grandson } else { Relation::Granddaughter },
                birth,
                male,
            ));
        }
        family
    }

    fn cause(&mut self, family: &[Member]) -> PovertyCause {
        if family.iter().any(|m| m.health == Health::Serious || m.health == Health::Chronic) && self.rng.chance(0.6) {
            PovertyCause::Illness
        } else if family.iter().any(|m| m.health == Health::Disabled) && self.rng.chance(0.6) {
            PovertyCause::Disability
        } else if family.iter().any(|m| matches!(m.schooling, Schooling::College | Schooling::University))
            && self.rng.chance(0.5)
        {
            PovertyCause::Schooling
        } else {
            *self.rng.weighted(&[
                (PovertyCause::NoLabour, 15),
                (PovertyCause::NoSkills, 25),
                (PovertyCause::NoCapital, 25),
                (PovertyCause::NoLand, 5),
                (PovertyCause::NoWater, 5),
                (PovertyCause::Disaster, 5),
                (PovertyCause::NoDrive, 10),
            ])
        }
    }
}
