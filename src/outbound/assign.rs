//! Handing out an outbound call list fairly: every operator gets at most a daily cap of tasks
//! (counting what they already have today), the work is spread evenly, and a client goes to
//! their personal manager when that operator is on the list and still has room.
//!
//! The rule, in order: clients are taken by priority (the order given); a client whose
//! personal manager is among the operators and under the cap goes to them; otherwise to the
//! operator with the fewest tasks so far (ties: the operator listed first). Clients left when
//! every operator is full are returned as unassigned, never over the cap.

/// An operator who may receive tasks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    /// The operator's user id.
    pub user_id: i64,
    /// Tasks they already hold for the day.
    pub already: i64,
}

/// A client to call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The client.
    pub client_id: i64,
    /// Their personal manager, if any.
    pub manager_id: Option<i64>,
}

/// The result: (client, operator) pairs in priority order, and the clients nobody had room for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// Who calls whom.
    pub pairs: Vec<(i64, i64)>,
    /// Over every operator's cap.
    pub unassigned: Vec<i64>,
}

/// Assigns `picks` (priority order) to `seats` with at most `cap` tasks per operator.
pub fn assign(picks: &[Pick], seats: &[Seat], cap: i64) -> Assignment {
    let mut load: Vec<i64> = seats.iter().map(|s| s.already).collect();
    let mut out = Assignment::default();
    for p in picks {
        let own = p
            .manager_id
            .and_then(|m| seats.iter().position(|s| s.user_id == m))
            .filter(|&i| load[i] < cap);
        let least = (0..seats.len())
            .filter(|&i| load[i] < cap)
            .min_by_key(|&i| (load[i], i));
        match own.or(least) {
            Some(i) => {
                load[i] += 1;
                out.pairs.push((p.client_id, seats[i].user_id));
            }
            None => out.unassigned.push(p.client_id),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picks(n: i64) -> Vec<Pick> {
        (1..=n)
            .map(|c| Pick {
                client_id: c,
                manager_id: None,
            })
            .collect()
    }

    fn seats(ids: &[i64]) -> Vec<Seat> {
        ids.iter()
            .map(|&u| Seat {
                user_id: u,
                already: 0,
            })
            .collect()
    }

    fn count(a: &Assignment, user: i64) -> usize {
        a.pairs.iter().filter(|(_, u)| *u == user).count()
    }

    #[test]
    fn two_operators_with_a_cap_of_three_get_three_each_and_the_rest_waits() {
        let a = assign(&picks(8), &seats(&[10, 20]), 3);
        assert_eq!((count(&a, 10), count(&a, 20)), (3, 3));
        assert_eq!(a.unassigned, vec![7, 8]);
        // Evenly: alternating, highest priority first.
        assert_eq!(&a.pairs[..2], &[(1, 10), (2, 20)]);
    }

    #[test]
    fn the_personal_manager_is_preferred_while_they_have_room() {
        let mut p = picks(4);
        for x in &mut p {
            x.manager_id = Some(20);
        }
        let a = assign(&p, &seats(&[10, 20]), 2);
        assert_eq!(a.pairs, vec![(1, 20), (2, 20), (3, 10), (4, 10)]);
    }

    #[test]
    fn tasks_already_held_today_count_against_the_cap() {
        let s = vec![
            Seat {
                user_id: 10,
                already: 3,
            },
            Seat {
                user_id: 20,
                already: 1,
            },
        ];
        let a = assign(&picks(3), &s, 3);
        assert_eq!(a.pairs, vec![(1, 20), (2, 20)]);
        assert_eq!(a.unassigned, vec![3]);
    }

    #[test]
    fn a_manager_who_is_not_on_the_list_does_not_get_tasks() {
        let p = vec![Pick {
            client_id: 1,
            manager_id: Some(99),
        }];
        let a = assign(&p, &seats(&[10]), 5);
        assert_eq!(a.pairs, vec![(1, 10)]);
    }

    #[test]
    fn nobody_to_assign_to_leaves_everything_unassigned() {
        let a = assign(&picks(2), &[], 5);
        assert_eq!(a.unassigned, vec![1, 2]);
        let a = assign(&picks(2), &seats(&[1]), 0);
        assert_eq!(a.unassigned, vec![1, 2]);
    }
}
