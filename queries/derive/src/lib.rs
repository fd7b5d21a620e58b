//! `#[derive(StableHash)]` for the `queries` crate: a value hash that feeds
//! every field, in declaration order, so a field added to a type is hashed
//! without anyone remembering to.
//!
//! An enum feeds its variant's index before the variant's fields, so two
//! variants with equal fields never hash alike. Generic parameters get a
//! `StableHash` bound. The generated code names `::queries::stable_hash`,
//! which the `queries` crate makes reachable from inside itself.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, Index, parse_macro_input, parse_quote};

/// Implements `queries::stable_hash::StableHash` by hashing every field.
#[proc_macro_derive(StableHash)]
pub fn derive_stable_hash(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let mut input = parse_macro_input!(input as DeriveInput);
    for parameter in input.generics.type_params_mut() {
        parameter.bounds.push(parse_quote!(::queries::stable_hash::StableHash));
    }
    let body = match &input.data {
        Data::Struct(data) => {
            let (pattern, feeds) = destructure(&data.fields);
            quote! { let Self #pattern = self; #(#feeds)* }
        }
        Data::Enum(data) => {
            let arms = data.variants.iter().enumerate().map(|(index, variant)| {
                let name = &variant.ident;
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                let (pattern, feeds) = destructure(&variant.fields);
                quote! {
                    Self::#name #pattern => {
                        ::queries::stable_hash::StableHash::stable_hash(&#index, hasher);
                        #(#feeds)*
                    }
                }
            });
            quote! { match self { #(#arms)* } }
        }
        Data::Union(_) => {
            return syn::Error::new(Span::call_site(), "StableHash cannot be derived for a union")
                .to_compile_error()
                .into();
        }
    };
    let name = &input.ident;
    let (implemented, arguments, bounds) = input.generics.split_for_impl();
    quote! {
        impl #implemented ::queries::stable_hash::StableHash for #name #arguments #bounds {
            fn stable_hash(&self, hasher: &mut ::queries::stable_hash::StableHasher<'_>) {
                #body
            }
        }
    }
    .into()
}

/// A pattern that binds every field of `fields`, and a statement feeding each
/// binding to the hasher.
fn destructure(fields: &Fields) -> (TokenStream, Vec<TokenStream>) {
    let bindings: Vec<Ident> =
        (0..fields.len()).map(|position| Ident::new(&format!("field_{position}"), Span::call_site())).collect();
    let feeds = bindings
        .iter()
        .map(|binding| quote! { ::queries::stable_hash::StableHash::stable_hash(#binding, hasher); })
        .collect();
    let pattern = match fields {
        Fields::Named(named) => {
            let names = named.named.iter().map(|field| &field.ident);
            quote! { { #(#names: #bindings),* } }
        }
        Fields::Unnamed(_) => {
            let positions = (0..fields.len()).map(Index::from);
            quote! { { #(#positions: #bindings),* } }
        }
        Fields::Unit => quote! {},
    };
    (pattern, feeds)
}
