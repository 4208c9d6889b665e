//! The field sets of the CRM entities users touch first, one line per documented field.
//!
//! Facts from the documentation's field tables (`../shared/bitrix24/catalog/methods.json`):
//! the `result` table of `crm.deal.get`, `crm.contact.get` and `crm.lead.get`, the table of
//! `crm.company.fields` (`crm.company.get` documents none), and for `crm.item.*` the `fields`
//! table of `crm.item.add` with the system fields the documented `crm.item.fields` answer adds
//! (`id`, `createdTime`, `updatedBy`, …). Name patterns of the tables (`UF_CRM_...`,
//! `PARENT_ID_...`, `ufCrm...`, `parentId...`) are the `Custom` variant.

/// Declares the field set of a legacy `crm.*` entity: the rows every legacy table documents
/// (`ID`, the authors and dates, `OPENED`, `COMMENTS`, the origin, the UTM marks, the last
/// activity), then its own rows; `with address` adds the address rows contacts and leads share.
macro_rules! legacy_field_set {
    ($(#[$meta:meta])* $name:ident { $($own:ident = $wire:literal,)* } with address) => {
        legacy_field_set! {
            $(#[$meta])*
            $name {
                $($own = $wire,)*
                Address = "ADDRESS",
                Address2 = "ADDRESS_2",
                AddressCity = "ADDRESS_CITY",
                AddressPostalCode = "ADDRESS_POSTAL_CODE",
                AddressRegion = "ADDRESS_REGION",
                AddressProvince = "ADDRESS_PROVINCE",
                AddressCountry = "ADDRESS_COUNTRY",
                AddressLocAddrId = "ADDRESS_LOC_ADDR_ID",
            }
        }
    };
    ($(#[$meta:meta])* $name:ident { $($own:ident = $wire:literal,)* }) => {
        crate::field_set! {
            $(#[$meta])*
            pub enum $name {
                Id = "ID",
                Opened = "OPENED",
                Comments = "COMMENTS",
                AssignedById = "ASSIGNED_BY_ID",
                CreatedById = "CREATED_BY_ID",
                ModifyById = "MODIFY_BY_ID",
                DateCreate = "DATE_CREATE",
                DateModify = "DATE_MODIFY",
                OriginatorId = "ORIGINATOR_ID",
                OriginId = "ORIGIN_ID",
                UtmSource = "UTM_SOURCE",
                UtmMedium = "UTM_MEDIUM",
                UtmCampaign = "UTM_CAMPAIGN",
                UtmContent = "UTM_CONTENT",
                UtmTerm = "UTM_TERM",
                LastActivityTime = "LAST_ACTIVITY_TIME",
                LastActivityBy = "LAST_ACTIVITY_BY",
                $($own = $wire,)*
            }
        }
    };
}

legacy_field_set! {
    /// A deal of the legacy `crm.deal.*` methods (the `crm.deal.get` table).
    DealField {
        Title = "TITLE",
        TypeId = "TYPE_ID",
        CategoryId = "CATEGORY_ID",
        StageId = "STAGE_ID",
        StageSemanticId = "STAGE_SEMANTIC_ID",
        IsNew = "IS_NEW",
        IsRecurring = "IS_RECURRING",
        IsReturnCustomer = "IS_RETURN_CUSTOMER",
        IsRepeatedApproach = "IS_REPEATED_APPROACH",
        Probability = "PROBABILITY",
        CurrencyId = "CURRENCY_ID",
        Opportunity = "OPPORTUNITY",
        IsManualOpportunity = "IS_MANUAL_OPPORTUNITY",
        TaxValue = "TAX_VALUE",
        CompanyId = "COMPANY_ID",
        ContactId = "CONTACT_ID",
        QuoteId = "QUOTE_ID",
        BeginDate = "BEGINDATE",
        CloseDate = "CLOSEDATE",
        Closed = "CLOSED",
        MovedById = "MOVED_BY_ID",
        MovedTime = "MOVED_TIME",
        SourceId = "SOURCE_ID",
        SourceDescription = "SOURCE_DESCRIPTION",
        LeadId = "LEAD_ID",
        AdditionalInfo = "ADDITIONAL_INFO",
        LocationId = "LOCATION_ID",
    }
}

legacy_field_set! {
    /// A contact of the legacy `crm.contact.*` methods (the `crm.contact.get` table).
    ContactField {
        Post = "POST",
        Honorific = "HONORIFIC",
        Name = "NAME",
        SecondName = "SECOND_NAME",
        LastName = "LAST_NAME",
        Photo = "PHOTO",
        LeadId = "LEAD_ID",
        TypeId = "TYPE_ID",
        SourceId = "SOURCE_ID",
        SourceDescription = "SOURCE_DESCRIPTION",
        CompanyId = "COMPANY_ID",
        Birthdate = "BIRTHDATE",
        Export = "EXPORT",
        HasPhone = "HAS_PHONE",
        HasEmail = "HAS_EMAIL",
        HasImol = "HAS_IMOL",
        FaceId = "FACE_ID",
        Phone = "PHONE",
        Email = "EMAIL",
        Web = "WEB",
        Im = "IM",
        Link = "LINK",
        OriginVersion = "ORIGIN_VERSION",
    } with address
}

legacy_field_set! {
    /// A lead of the legacy `crm.lead.*` methods (the `crm.lead.get` table).
    LeadField {
        Title = "TITLE",
        Honorific = "HONORIFIC",
        Name = "NAME",
        SecondName = "SECOND_NAME",
        LastName = "LAST_NAME",
        CompanyId = "COMPANY_ID",
        CompanyTitle = "COMPANY_TITLE",
        ContactId = "CONTACT_ID",
        IsReturnCustomer = "IS_RETURN_CUSTOMER",
        Birthdate = "BIRTHDATE",
        SourceId = "SOURCE_ID",
        SourceDescription = "SOURCE_DESCRIPTION",
        StatusId = "STATUS_ID",
        StatusDescription = "STATUS_DESCRIPTION",
        Post = "POST",
        CurrencyId = "CURRENCY_ID",
        Opportunity = "OPPORTUNITY",
        IsManualOpportunity = "IS_MANUAL_OPPORTUNITY",
        HasPhone = "HAS_PHONE",
        HasEmail = "HAS_EMAIL",
        HasImol = "HAS_IMOL",
        MovedById = "MOVED_BY_ID",
        DateClosed = "DATE_CLOSED",
        StatusSemanticId = "STATUS_SEMANTIC_ID",
        MovedTime = "MOVED_TIME",
        AddressCountryCode = "ADDRESS_COUNTRY_CODE",
        Phone = "PHONE",
        Im = "IM",
    } with address
}

legacy_field_set! {
    /// A company of the legacy `crm.company.*` methods (the `crm.company.fields` table).
    CompanyField {
        Title = "TITLE",
        CompanyType = "COMPANY_TYPE",
        Logo = "LOGO",
        Address = "ADDRESS",
        BankingDetails = "BANKING_DETAILS",
        Industry = "INDUSTRY",
        Employees = "EMPLOYEES",
        CurrencyId = "CURRENCY_ID",
        Revenue = "REVENUE",
        HasPhone = "HAS_PHONE",
        HasEmail = "HAS_EMAIL",
        HasImol = "HAS_IMOL",
        IsMyCompany = "IS_MY_COMPANY",
        ContactId = "CONTACT_ID",
        LeadId = "LEAD_ID",
        OriginVersion = "ORIGIN_VERSION",
        LastCommunicationTime = "LAST_COMMUNICATION_TIME",
        Phone = "PHONE",
        Email = "EMAIL",
        Web = "WEB",
        Im = "IM",
        Link = "LINK",
    }
}

crate::field_set! {
    /// An item of the universal `crm.item.*` methods (camelCase): the fields of every entity
    /// type's table together, since `crm.item.list` serves them all — a lead has no
    /// `categoryId`, a company no `stageId`. The system fields come first.
    pub enum ItemField {
        Id = "id",
        XmlId = "xmlId",
        CreatedTime = "createdTime",
        UpdatedTime = "updatedTime",
        CreatedBy = "createdBy",
        UpdatedBy = "updatedBy",
        MovedTime = "movedTime",
        MovedBy = "movedBy",
        PreviousStageId = "previousStageId",
        LastActivityTime = "lastActivityTime",
        LastActivityBy = "lastActivityBy",
        Title = "title",
        Honorific = "honorific",
        Name = "name",
        SecondName = "secondName",
        LastName = "lastName",
        Birthdate = "birthdate",
        CompanyTitle = "companyTitle",
        SourceId = "sourceId",
        SourceDescription = "sourceDescription",
        StageId = "stageId",
        StatusDescription = "statusDescription",
        Post = "post",
        CurrencyId = "currencyId",
        IsManualOpportunity = "isManualOpportunity",
        Opportunity = "opportunity",
        Opened = "opened",
        Comments = "comments",
        AssignedById = "assignedById",
        CompanyId = "companyId",
        ContactId = "contactId",
        ContactIds = "contactIds",
        OriginatorId = "originatorId",
        OriginId = "originId",
        WebFormId = "webformId",
        Observers = "observers",
        UtmSource = "utmSource",
        UtmMedium = "utmMedium",
        UtmCampaign = "utmCampaign",
        UtmContent = "utmContent",
        UtmTerm = "utmTerm",
        MultiFields = "fm",
        TypeId = "typeId",
        CategoryId = "categoryId",
        IsRecurring = "isRecurring",
        Probability = "probability",
        TaxValue = "taxValue",
        QuoteId = "quoteId",
        BeginDate = "begindate",
        CloseDate = "closedate",
        LeadId = "leadId",
        AdditionalInfo = "additionalInfo",
        LocationId = "locationId",
        Photo = "photo",
        Export = "export",
        CompanyIds = "companyIds",
        OriginVersion = "originVersion",
        Logo = "logo",
        BankingDetails = "bankingDetails",
        Industry = "industry",
        Employees = "employees",
        Revenue = "revenue",
        IsMyCompany = "isMyCompany",
        Content = "content",
        Terms = "terms",
        DealId = "dealId",
        StorageTypeId = "storageTypeId",
        StorageElementIds = "storageElementIds",
        ActualDate = "actualDate",
        MyCompanyId = "mycompanyId",
    }
}
