//! Reading one instance of a request: each field checked, and an error that
//! names the field and says what it must be.

use serde_json::{Map, Value};

/// What is wrong with one field of an instance (`field` is empty when the
/// instance itself is wrong).
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        InputError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The instance as a JSON object whose fields are all in `allowed`.
pub fn object<'a>(
    instance: &'a Value,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, InputError> {
    let Some(fields) = instance.as_object() else {
        return Err(InputError::new(
            "",
            format!(
                "must be a JSON object with the fields {}",
                allowed.join(", ")
            ),
        ));
    };
    let mut unknown: Vec<&str> = fields
        .keys()
        .map(String::as_str)
        .filter(|key| !allowed.contains(key))
        .collect();
    unknown.sort_unstable();
    if let Some(first) = unknown.first() {
        return Err(InputError::new(
            first,
            format!("unknown field; expected only {}", allowed.join(", ")),
        ));
    }
    Ok(fields)
}

fn required<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a Value, InputError> {
    fields
        .get(name)
        .ok_or_else(|| InputError::new(name, "is required"))
}

/// A number in `min..=max`.
pub fn number(
    fields: &Map<String, Value>,
    name: &str,
    min: f64,
    max: f64,
) -> Result<f64, InputError> {
    let value = required(fields, name)?;
    match value.as_f64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(InputError::new(
            name,
            format!("must be a number from {min} to {max}"),
        )),
    }
}

/// A whole number in `min..=max` (given as an integer, e.g. `3`, not `3.5`).
pub fn integer(
    fields: &Map<String, Value>,
    name: &str,
    min: i64,
    max: i64,
) -> Result<i64, InputError> {
    let value = required(fields, name)?;
    match value.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(InputError::new(
            name,
            format!("must be a whole number from {min} to {max}"),
        )),
    }
}

/// `true` or `false`.
pub fn boolean(fields: &Map<String, Value>, name: &str) -> Result<bool, InputError> {
    required(fields, name)?
        .as_bool()
        .ok_or_else(|| InputError::new(name, "must be true or false"))
}

/// A string of at most `max_chars` characters with at least one non-space.
pub fn text<'a>(
    fields: &'a Map<String, Value>,
    name: &str,
    max_chars: usize,
) -> Result<&'a str, InputError> {
    let value = required(fields, name)?;
    let Some(text) = value.as_str() else {
        return Err(InputError::new(name, "must be a string"));
    };
    if text.trim().is_empty() {
        return Err(InputError::new(name, "must not be empty"));
    }
    if text.chars().count() > max_chars {
        return Err(InputError::new(
            name,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let instance = json!({"b": 1, "zz": 2, "aa": 3});
        let error = object(&instance, &["b"]).unwrap_err();
        assert_eq!(error.field, "aa");
        let empty = json!({});
        let fields = object(&empty, &["b"]).unwrap();
        assert_eq!(
            number(fields, "b", 0.0, 1.0).unwrap_err().message,
            "is required"
        );
        assert_eq!(object(&json!([1]), &["b"]).unwrap_err().field, "");
    }

    #[test]
    fn values_outside_their_range_or_of_the_wrong_type_are_refused() {
        let instance = json!({"n": 1.5, "i": 2.5, "b": "yes", "t": "   "});
        let fields = instance.as_object().unwrap();
        assert!(number(fields, "n", 0.0, 1.0).is_err());
        assert_eq!(number(fields, "n", 0.0, 2.0).unwrap(), 1.5);
        assert!(integer(fields, "i", 0, 10).is_err());
        assert!(boolean(fields, "b").is_err());
        assert_eq!(
            text(fields, "t", 10).unwrap_err().message,
            "must not be empty"
        );
    }
}
