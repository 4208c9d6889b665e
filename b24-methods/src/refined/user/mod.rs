//! `user.*`: the portal's users, as `user.get`, `user.search` and `user.current` answer them.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/user/index.html>

pub mod current;
pub mod get;
pub mod search;

use crate::wire::*;

/// A user as `user.get`, `user.search` and `user.current` answer one: the fields of the
/// documented examples and of `user.fields`. User fields (`UF_*`, except `UF_DEPARTMENT`) and
/// fields of newer portals stay in `extra`, as sent.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct User {
    /// `ID`.
    pub id: Id,
    /// `XML_ID`: the external code.
    pub xml_id: Option<String>,
    /// `ACTIVE`: whether the user may log in (`true`/`false` or `Y`/`N`, kept as sent).
    pub active: Option<Flag>,
    /// `NAME`: first name.
    pub name: Option<String>,
    /// `LAST_NAME`.
    pub last_name: Option<String>,
    /// `SECOND_NAME`: middle name.
    pub second_name: Option<String>,
    /// `TITLE`: the form of address.
    pub title: Option<String>,
    /// `EMAIL`.
    pub email: Option<String>,
    /// `LAST_LOGIN`.
    pub last_login: Option<DateTime>,
    /// `DATE_REGISTER`.
    pub date_register: Option<DateTime>,
    /// `IS_ONLINE`.
    pub is_online: Option<Flag>,
    /// `TIME_ZONE`: the user's own time zone (`Europe/Berlin`); empty for the portal's.
    pub time_zone: Option<String>,
    /// `TIME_ZONE_OFFSET`: seconds from the portal's time zone.
    pub time_zone_offset: Option<Numeric>,
    /// `PERSONAL_GENDER`: `M`, `F` or empty.
    pub personal_gender: Option<String>,
    /// `PERSONAL_PROFESSION`.
    pub personal_profession: Option<String>,
    /// `PERSONAL_WWW`.
    pub personal_www: Option<String>,
    /// `PERSONAL_BIRTHDAY`.
    pub personal_birthday: Option<DateTime>,
    /// `PERSONAL_PHONE`.
    pub personal_phone: Option<String>,
    /// `PERSONAL_MOBILE`.
    pub personal_mobile: Option<String>,
    /// `PERSONAL_CITY`.
    pub personal_city: Option<String>,
    /// `WORK_PHONE`.
    pub work_phone: Option<String>,
    /// `WORK_COMPANY`.
    pub work_company: Option<String>,
    /// `WORK_POSITION`.
    pub work_position: Option<String>,
    /// `WORK_DEPARTMENT`: the department as free text.
    pub work_department: Option<String>,
    /// `UF_DEPARTMENT`: the departments (`department.get`) the user belongs to.
    pub uf_department: Option<Vec<Id>>,
    /// `USER_TYPE`: `employee`, `extranet`, `email`, …
    pub user_type: Option<String>,
    /// Fields not listed above (user fields `UF_*`, undocumented ones), as received.
    pub extra: Map<String, Value>,
}

record!(User {
    req id: "ID",
    opt xml_id: "XML_ID",
    opt active: "ACTIVE",
    opt name: "NAME",
    opt last_name: "LAST_NAME",
    opt second_name: "SECOND_NAME",
    opt title: "TITLE",
    opt email: "EMAIL",
    opt last_login: "LAST_LOGIN",
    opt date_register: "DATE_REGISTER",
    opt is_online: "IS_ONLINE",
    opt time_zone: "TIME_ZONE",
    opt time_zone_offset: "TIME_ZONE_OFFSET",
    opt personal_gender: "PERSONAL_GENDER",
    opt personal_profession: "PERSONAL_PROFESSION",
    opt personal_www: "PERSONAL_WWW",
    opt personal_birthday: "PERSONAL_BIRTHDAY",
    opt personal_phone: "PERSONAL_PHONE",
    opt personal_mobile: "PERSONAL_MOBILE",
    opt personal_city: "PERSONAL_CITY",
    opt work_phone: "WORK_PHONE",
    opt work_company: "WORK_COMPANY",
    opt work_position: "WORK_POSITION",
    opt work_department: "WORK_DEPARTMENT",
    opt uf_department: "UF_DEPARTMENT",
    opt user_type: "USER_TYPE",
});

b24_core::field_set! {
    /// The fields of a [`User`] as `user.get` and `user.search` take them in `FILTER` (the
    /// fields of the documented examples and of the `user.add` table). User fields (`UF_*` other
    /// than `UF_DEPARTMENT`) are the `Custom` variant.
    pub enum UserField {
        Id = "ID",
        XmlId = "XML_ID",
        Active = "ACTIVE",
        Name = "NAME",
        LastName = "LAST_NAME",
        SecondName = "SECOND_NAME",
        Email = "EMAIL",
        LastLogin = "LAST_LOGIN",
        DateRegister = "DATE_REGISTER",
        IsOnline = "IS_ONLINE",
        TimeZone = "TIME_ZONE",
        PersonalGender = "PERSONAL_GENDER",
        PersonalProfession = "PERSONAL_PROFESSION",
        PersonalWww = "PERSONAL_WWW",
        PersonalBirthday = "PERSONAL_BIRTHDAY",
        PersonalPhone = "PERSONAL_PHONE",
        PersonalMobile = "PERSONAL_MOBILE",
        PersonalCity = "PERSONAL_CITY",
        WorkPhone = "WORK_PHONE",
        WorkCompany = "WORK_COMPANY",
        WorkPosition = "WORK_POSITION",
        WorkDepartment = "WORK_DEPARTMENT",
        Department = "UF_DEPARTMENT",
        UserType = "USER_TYPE",
    }
}

/// Which users `user.get` and `user.search` list, in which order, from which offset. Filter
/// keys may also be given at the top level (`UF_DEPARTMENT`), which `extra` holds.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct UserQuery {
    /// `SORT`: the field to sort by (`ID`, `LAST_NAME`, …).
    pub sort: Option<String>,
    /// `ORDER`: `asc` or `desc`.
    pub order: Option<String>,
    /// `FILTER`: field (with an optional operator prefix) → value; a
    /// [`b24_core::filter::Filter`] converts into it.
    pub filter: Option<Value>,
    /// `ADMIN_MODE`: an administrator sees every user, also those hidden to them.
    pub admin_mode: Option<Flag>,
    /// `start`: offset of the page (multiples of 50).
    pub start: Option<Numeric>,
    /// Parameters not listed above (top-level filter keys, undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(UserQuery {
    opt sort: "SORT" => with_sort(String),
    opt order: "ORDER" => with_order(String),
    opt filter: "FILTER" => with_filter(Value),
    opt admin_mode: "ADMIN_MODE" => with_admin_mode(Flag),
    opt start: "start" => with_start(Numeric),
});
